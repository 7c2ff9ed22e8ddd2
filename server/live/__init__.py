"""Live delivery of domain events: one ordered hub (hub.py) and the events a
document connection serves (events.py). Domains import these, never a transport."""
