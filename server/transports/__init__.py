"""Thin transports: decode, check permission, call the room. Errors are mapped here."""
