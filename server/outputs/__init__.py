"""Outputs: the report, the four compilations and the status table of a document at
any version, rendered to Markdown, printable HTML and Word from one model."""
