"""Who is connecting and what they may do (a small stand-in until the access model lands)."""
