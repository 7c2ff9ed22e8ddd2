"""Governance of the rolling text: paragraph structure, status, proposals, opinions."""
