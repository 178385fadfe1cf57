"""Domain errors. The API maps each to one HTTP status in one place (api/errors.py)."""


class DomainError(Exception):
    """Base of every error a client can cause or be told about; `detail` is shown to the client."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    pass


class Forbidden(DomainError):
    """A valid token without the scope the request needs (403)."""


class InvalidStatus(DomainError):
    """A status value that is not one of the published statuses (400, as API.md fixes it)."""


class InvalidInput(DomainError):
    """Malformed input or a reference to something that does not exist (422)."""


class UnsupportedMediaType(DomainError):
    pass


class PayloadTooLarge(DomainError):
    pass


class Conflict(DomainError):
    """The request is well-formed but the resource's state does not allow it (409); the detail says what to do."""


class PreconditionFailed(DomainError):
    """An If-Match that names another version than the resource's own (412); `version` is its own."""

    def __init__(self, detail: str, version: int) -> None:
        super().__init__(detail)
        self.version = version


class StorageUnavailable(DomainError):
    """A backing service failed; the request can be retried (503)."""
