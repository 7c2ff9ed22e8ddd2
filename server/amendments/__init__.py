"""Amendments: proposed changes to a paragraph's words, decided by the chair (issue 18)."""
