"""The error every LRS check raises: an HTTP status and a message for the client (and the log)."""

from __future__ import annotations


class XapiError(Exception):
    """A refused xAPI request: ``status`` (400, 401, 403, 404, 409, 412, 413) and a short reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
