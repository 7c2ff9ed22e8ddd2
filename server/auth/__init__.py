"""Who is calling and what they may do: signed tokens, the principal, the permission
matrix, and the access policy that resolves a token to its current principal and decides
which documents it may open (used by every transport and view)."""
