"""The core's errors. Infeasibility is a result status, never an exception."""


class MatcherError(Exception):
    """Base class of every error the matching core raises."""


class InvalidProblemError(MatcherError, ValueError):
    """The input is malformed: ``record`` and ``field`` say where, the message says why.

    ``record`` is empty for a key of the document itself (``units: required key is missing``).
    """

    def __init__(self, record: str, field: str, reason: str) -> None:
        super().__init__(": ".join(part for part in (record, field, reason) if part))
        self.record = record
        self.field = field
        self.reason = reason


class ShippedDataError(MatcherError):
    """A data file shipped inside the package is incomplete: a packaging bug, never the user's input."""
