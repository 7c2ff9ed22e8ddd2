"""Questionnaires (issue 14): the inputs a working group seeks, and their responses."""
