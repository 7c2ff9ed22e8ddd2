"""Revisions: numbered versions of a document, read back, compared, restored from."""
