"""The HTTP layer: one FastAPI router per resource, the auth middleware and the error mapping."""
