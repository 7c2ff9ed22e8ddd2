"""The HTTP edge: origin checks, body limits and parsing, security headers."""
