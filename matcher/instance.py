"""The whole matching problem as one validated, serialisable document, with cross-object checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import Field, ValidationError

from matcher.domain import (
    Frozen,
    Household,
    Pair,
    Policy,
    Programme,
    Quota,
    QuotaScope,
    SupportZone,
    Unit,
)
from matcher.errors import InvalidProblemError
from matcher.geo import communes
from matcher.input_errors import describe, path_text
from matcher.potentials import Potentials


class MatchProblem(Frozen):
    """Households, free units, support capacities, quotas and the policy of one matching run.

    ``pins`` must be kept, ``forbids`` must not be proposed, ``previous`` are proposals households
    have already been shown: changing one costs :attr:`Weights.stability` points.
    """

    match_date: date = Field(description="the day the run plans for (availability, waiting time)")
    households: list[Household]
    units: list[Unit]
    support_zones: list[SupportZone] = Field(default_factory=list)
    quotas: list[Quota] = Field(default_factory=list)
    policy: Policy = Field(default_factory=Policy)
    pins: list[Pair] = Field(default_factory=list)
    forbids: list[Pair] = Field(default_factory=list)
    previous: list[Pair] = Field(default_factory=list)
    alternatives: int = Field(3, ge=0, le=20, description="alternatives listed per household")
    #: look-ahead prices (:mod:`matcher.potentials`); None: the run looks no further than itself
    potentials: Potentials | None = None

    def check(self) -> MatchProblem:
        """Cross-object checks; raises :class:`InvalidProblemError` naming the record and field."""
        known = communes()
        hh_ids = _unique((h.id for h in self.households), "household")
        unit_ids = _unique((u.id for u in self.units), "unit")
        _unique((z.id for z in self.support_zones), "support_zone")
        _unique((q.id for q in self.quotas), "quota")

        def commune(code: str | None, record: str, field: str) -> None:
            if code is not None and code not in known:
                raise InvalidProblemError(record, field, f"unknown commune code {code!r}")

        for h in self.households:
            rec = f"household {h.id}"
            commune(h.attached_commune, rec, "attached_commune")
            for i, loc in enumerate([h.work, h.current_location, *h.schools]):
                if loc is not None:
                    commune(loc.commune, rec, f"location[{i}].commune")
            for c in h.excluded_communes:
                commune(c, rec, "excluded_communes")
            for p in h.preferred_communes:
                commune(p.commune, rec, "preferred_communes")
            for a in h.anchors:
                commune(a.location.commune, rec, "anchors")
        for u in self.units:
            commune(u.commune, f"unit {u.id}", "commune")
            commune(u.reserved_for_commune, f"unit {u.id}", "reserved_for_commune")
        zone_of: dict[str, str] = {}
        for z in self.support_zones:
            for c in sorted(z.communes):
                commune(c, f"support_zone {z.id}", "communes")
                if c in zone_of:
                    raise InvalidProblemError(
                        f"support_zone {z.id}", "communes", f"commune {c} is already in {zone_of[c]}"
                    )
                zone_of[c] = z.id
        programmes = {p.value for p in Programme}
        for q in self.quotas:
            if q.scope is QuotaScope.COMMUNE:
                commune(q.key, f"quota {q.id}", "key")
            elif q.key not in programmes:
                raise InvalidProblemError(
                    f"quota {q.id}", "key", f"unknown programme {q.key!r}; one of {sorted(programmes)}"
                )
        for name, pairs in (("pins", self.pins), ("forbids", self.forbids), ("previous", self.previous)):
            for k, pair in enumerate(pairs):
                if pair.household not in hh_ids:
                    raise InvalidProblemError(f"{name}[{k}]", "household", f"unknown id {pair.household!r}")
                if pair.unit not in unit_ids:
                    raise InvalidProblemError(f"{name}[{k}]", "unit", f"unknown id {pair.unit!r}")
        for name, pairs in (("pins", self.pins), ("previous", self.previous)):
            _unique((pair.household for pair in pairs), f"{name} household")
            _unique((pair.unit for pair in pairs), f"{name} unit")
        homes: dict[str, str] = {}
        for h in self.households:
            if h.current_unit is None:
                continue
            if h.current_unit not in unit_ids:
                raise InvalidProblemError(
                    f"household {h.id}", "current_unit", f"unknown id {h.current_unit!r}"
                )
            if h.current_unit in homes:
                raise InvalidProblemError(
                    f"household {h.id}",
                    "current_unit",
                    f"unit {h.current_unit} is {homes[h.current_unit]}'s home",
                )
            homes[h.current_unit] = h.id
        forbidden = {(pair.household, pair.unit) for pair in self.forbids}
        for k, pair in enumerate(self.pins):
            if (pair.household, pair.unit) in forbidden:
                raise InvalidProblemError(f"pins[{k}]", "unit", "the same pair is also forbidden")
        return self

    @classmethod
    def from_json(cls, text: str | bytes) -> MatchProblem:
        """Parse and check; pydantic's errors become :class:`InvalidProblemError`."""
        try:
            problem = cls.model_validate_json(text)
        except ValidationError as exc:
            raise invalid_from_pydantic(exc) from None
        return problem.check()


def invalid_from_pydantic(exc: ValidationError) -> InvalidProblemError:
    """A pydantic error as an :class:`InvalidProblemError`: the record is the list entry
    (``units[0]``, empty for a top-level key), the field the rest of the path."""
    loc, reason = describe(exc, MatchProblem)
    split = 2 if len(loc) >= 2 and isinstance(loc[1], int) else 0
    return InvalidProblemError(path_text(loc[:split]), path_text(loc[split:]), reason)


def _unique(ids: Iterable[str], kind: str) -> set[str]:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise InvalidProblemError(f"{kind} {i}", "id", "duplicate id")
        seen.add(i)
    return seen
