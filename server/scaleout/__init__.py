"""Several server processes as one: document updates and awareness over a pub/sub bus."""
