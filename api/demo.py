"""``wunneng serve --demo``: two organisations with generated Luxembourg data and one key per role,
plus a platform admin key (organisations and their first admins).

The data are synthetic (``scenarios.generator``, seeded), so the demo is reproducible apart from
the keys, which are random and printed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from api.db import Database
from api.models import Role
from api.security import Principal
from api.services import admin, records
from matcher import MatchProblem


@dataclass(frozen=True)
class DemoKey:
    organisation: str | None  #: None for the platform admin, who belongs to no organisation
    name: str
    role: Role
    key: str
    key_id: int


ORGANISATIONS = {
    "logis": ("Caritas LogIS", 30, 36, 1),
    "esch-social": ("Office social Esch-sur-Alzette", 12, 14, 2),
    "planning": ("National planning office", 0, 0, 0),
}
KEYS = (
    ("logis", "admin-ana", Role.ADMIN),
    ("logis", "officer-ben", Role.OFFICER),
    ("logis", "officer-chloe", Role.OFFICER),
    ("esch-social", "officer-dan", Role.OFFICER),
    ("planning", "planner-eva", Role.PLANNER),
)
PLATFORM_KEY = "platform-pat"


def demo_problem(households: int, units: int, seed: int) -> MatchProblem:
    from scenarios.generator import GeneratorParams, generate

    return generate(GeneratorParams(households=households, units=units, match_date=date.today()), seed)


def seed_demo(db: Database) -> list[DemoKey]:
    """Create the demo organisations, their records and keys; returns the keys (shown once)."""
    out: list[DemoKey] = []
    with db.sessions() as session:
        for org, (name, _, _, _) in ORGANISATIONS.items():
            admin.create_organisation(session, None, org, name)
        for org, name, role in KEYS:
            created = admin.create_key(session, None, org, name, role)
            out.append(DemoKey(org, name, role, created.key, created.id))
        platform = admin.create_platform_key(session, None, PLATFORM_KEY)
        out.append(DemoKey(None, PLATFORM_KEY, Role.PLATFORM_ADMIN, platform.key, platform.id))
        for org, (_, n_households, n_units, seed) in ORGANISATIONS.items():
            if not n_households:
                continue
            problem = demo_problem(n_households, n_units, seed)
            creator = next(k for k in out if k.organisation == org)
            who = Principal(creator.key_id, creator.name, creator.role, org)
            for kind, docs in (
                (records.HOUSEHOLDS, problem.households),
                (records.UNITS, problem.units),
                (records.SUPPORT_ZONES, problem.support_zones),
            ):
                records.import_records(session, who, kind, [d.model_dump(mode="json") for d in docs])
    return out
