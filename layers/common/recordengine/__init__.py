"""RecordEngine Documents API: the domain code shared by every Lambda function (the common layer)."""

# The project's version (pyproject.toml's, which a unit test keeps equal): the OpenAPI document's.
__version__ = "0.1.0"
