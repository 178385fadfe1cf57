"""`make eval`: the built-in extraction engine measured on a labelled corpus (see __main__.py)."""
