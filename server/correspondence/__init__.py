"""Correspondence groups: terms of reference, chair, members, the mapping table (issue 14)."""
