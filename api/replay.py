"""Replaying a run for an appeal: what a run keeps, and how a second solve is compared with it.

A run stores the canonical JSON of the exact problem it solved (sorted keys, no spaces), its
sha256, the solver settings and the versions of wunneng and of the libraries that compute the
answer, and the answer itself (every proposal, before any was dropped for a decision taken
meanwhile). Solving the stored input again with the stored settings must give the same proposals
and objective; when it does not, :func:`likely_reasons` says what differs that could explain it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from matcher import MatchProblem, MatchResult, SolveOptions

#: the distributions whose version can change an answer
SOLVER_PACKAGES = ("wunneng", "ortools", "highspy", "numpy", "scipy", "numba")


def canonical_input(problem: MatchProblem) -> str:
    """One text per problem: the same problem always serialises to the same bytes."""
    return json.dumps(
        problem.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def versions() -> dict[str, str]:
    """The installed version of each of :data:`SOLVER_PACKAGES` ("missing" when it is absent)."""
    out = {}
    for name in SOLVER_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def settings_of(options: SolveOptions) -> dict[str, Any]:
    return {
        "method": options.method,
        "time_limit": options.time_limit,
        "gap_limit": options.gap_limit,
        "seed": options.seed,
        "workers": options.workers,
        "candidates": options.candidates,
    }


def options_of(settings: dict[str, Any]) -> SolveOptions:
    return SolveOptions(**settings)


def solution_of(result: MatchResult) -> dict[str, Any]:
    """The answer as stored and compared: every pair with its fit, the objective and the proof."""
    answer = [p.model_dump(mode="json") for p in result.proposals] + [
        x.model_dump(mode="json") for x in result.unhoused
    ]
    return {
        "proposals": sorted([p.household, p.unit, p.cost] for p in result.proposals),
        "answer_hash": content_hash(json.dumps(answer, sort_keys=True, separators=(",", ":"))),
        "unhoused": sorted(x.household for x in result.unhoused),
        "objective": result.objective,
        "status": result.status.value,
        "seconds": result.seconds,
    }


@dataclass(frozen=True)
class Comparison:
    """The replay's verdict: ``identical``, or the differences and what likely explains them."""

    identical: bool
    differences: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def compare(
    stored: dict[str, Any],
    again: dict[str, Any],
    *,
    stored_versions: dict[str, Any],
    stored_settings: dict[str, Any],
    hash_matches: bool,
) -> Comparison:
    """Compare a stored answer with a second solve's (both from :func:`solution_of`)."""
    diffs: list[str] = []
    if stored["objective"] != again["objective"]:
        diffs.append(f"objective {stored['objective']} then, {again['objective']} now")
    then = {h: (u, c) for h, u, c in stored["proposals"]}
    now = {h: (u, c) for h, u, c in again["proposals"]}
    for h in sorted(then.keys() | now.keys()):
        a, b = then.get(h), now.get(h)
        if a != b:
            diffs.append(f"household {h}: {_pair(a)} then, {_pair(b)} now")
    if not diffs and stored.get("answer_hash") != again["answer_hash"]:
        diffs.append("the same pairs, but their breakdowns, alternatives or explanations differ")
    if not diffs:
        return Comparison(True)
    return Comparison(False, diffs, likely_reasons(stored, stored_versions, stored_settings, hash_matches))


def _pair(p: tuple[str, int] | None) -> str:
    return "no proposal" if p is None else f"unit {p[0]} (fit {p[1]})"


def likely_reasons(
    stored: dict[str, Any],
    stored_versions: dict[str, Any],
    stored_settings: dict[str, Any],
    hash_matches: bool,
) -> list[str]:
    """What could make a second solve differ: the input, a version, the time limit, threads."""
    out = []
    if not hash_matches:
        out.append("the stored input does not match the run's content hash: it was altered")
    now = versions()
    for name in SOLVER_PACKAGES:
        if stored_versions.get(name) != now[name]:
            out.append(f"{name} was {stored_versions.get(name)} for the run and is {now[name]} now")
    limit = float(stored_settings.get("time_limit", 0))
    if stored["status"] != "optimal" or float(stored.get("seconds") or 0) >= 0.95 * limit:
        out.append(
            f"the run stopped at its time limit ({limit:g} s) with status {stored['status']}: "
            "a search stopped by the clock can end on another answer"
        )
    if int(stored_settings.get("workers", 1)) > 1:
        out.append(
            f"the run searched on {stored_settings['workers']} threads, whose interleaving is not "
            "repeatable; equal-cost answers may differ"
        )
    if not out:
        out.append("no difference in input, versions or settings explains it: report it as a defect")
    return out
