"""Errors of the generic layer beyond malformed input (:class:`matcher.errors.InvalidProblemError`)."""

from matcher.errors import MatcherError


class SolverFailure(MatcherError, RuntimeError):
    """An engine contradicted what the layer had proven (a bug, never a property of the input)."""
