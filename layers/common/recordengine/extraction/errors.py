"""The one failure an extraction engine reports: the document cannot be read at all."""


class UnreadableDocument(Exception):
    """The document cannot be read; ``str(exc)`` is a plain-English reason fit to show to users."""
