"""Fail if matcher/assignment/ (the generic solver layer) uses a housing word, even in a comment.

The layer solves any capacitated assignment problem (OR-Library's too); its names are items,
options, edges and side constraints. Words like "unit" or "quota" are ordinary English ("unit
capacity"), so only words that mean housing here are listed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

WORDS = (
    "household",
    "housing",
    "housed",
    "unhoused",
    "dwelling",
    "apartment",
    "bedroom",
    "rent",
    "rental",
    "tenant",
    "tenancy",
    "landlord",
    "lease",
    "commune",
    "canton",
    "caseload",
    "refugee",
    "reception",
    "zone",
    "officer",
    "school",
    "BPI",
    "LogIS",
    "GLS",
    "AIS",
    "REVIS",
)
PATTERN = re.compile(r"\b(" + "|".join(WORDS) + r")s?\b", re.IGNORECASE)


def offences(root: Path) -> list[str]:
    """``path:line: word`` for every housing word under ``root``."""
    out = []
    for path in sorted(root.rglob("*.py")):
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            out += [
                f"{path.relative_to(root.parents[1])}:{n}: {m.group(0)!r}" for m in PATTERN.finditer(line)
            ]
    return out


def main() -> int:
    found = offences(Path(__file__).resolve().parents[1] / "matcher" / "assignment")
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} housing word(s) in matcher/assignment/", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
