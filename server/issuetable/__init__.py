"""The issue table: items compiled from questionnaire answers, merged, cited (issue 14)."""
