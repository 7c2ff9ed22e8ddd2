"""The working group: stakeholder seats, delegations, people, observers, invitations, audit."""
