"""The suite's records as Markdown: a summary per scale, variant and solver, the issue's targets
checked against the measurements, and one row per run."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

Record = dict[str, Any]


def markdown(result: Record) -> str:
    m = result["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"{result['created']}, commit {m.get('commit', '?')}, {m['cpus']} CPUs ({m['processor']}), "
        f"Python {m['python']}; time limit "
        f"{result['time_limit']:.0f} s per solver run; suite wall time {result['suite_seconds']:.0f} s. "
        "Times are medians of repeats (a run over 20 s is not repeated), memory the peak resident size of "
        "the solver's process (instance included). Gap: the solver's own proof; gap to best: against the "
        "best bound any solver proved on that instance. Ratios are wunneng / solver (below 1: wunneng is "
        "faster or lighter).",
        "",
        "## Summary (over seeds)",
        "",
        *summary_table(result),
        "",
        "## Targets of issue 6",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        *(f"| {t} | {v} | {ok} |" for t, v, ok in targets(result)),
        "",
        "## Instances",
        "",
        "| instance | households | units | eligible pairs | constraints | build s |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {i['name']} | {i['items']:,} | {i['options']:,} | {i['edges']:,} | {i['constraints']} | "
            f"{i['build_seconds']:.1f} |"
            for i in result["instances"]
        ),
        "",
        "## Every run",
        "",
        "| instance | solver | status | time s | peak MB | objective | bound | gap % | housed | travel min |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for inst in result["instances"]:
        for r in inst["runs"]:
            lines.append(
                f"| {inst['name']} | {r['solver']} | {_status(r)} | {_num(r.get('seconds'), 2)} | "
                f"{_num(r.get('peak_mb'), 0)} | {_num(r.get('objective'), 0)} | {_num(r.get('bound'), 0)} | "
                f"{_pct(r.get('gap'))} | {r.get('housed', '-')} | {_num(r.get('mean_travel_min'), 1)} |"
            )
    return "\n".join(lines) + "\n"


def groups(result: Record) -> dict[tuple[str, str, str], list[Record]]:
    """Runs by (scale, variant, solver), in suite order."""
    out: dict[tuple[str, str, str], list[Record]] = {}
    for inst in result["instances"]:
        for r in inst["runs"]:
            out.setdefault((inst["scale"], inst["variant"], r["solver"]), []).append(r)
    return out


def summary_table(result: Record) -> list[str]:
    lines = [
        "| scale | variant | solver | status | time s | peak MB | gap % | gap to best % | housed % "
        "| travel min | time ratio | memory ratio |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (scale, variant, solver), runs in groups(result).items():
        housed = [r["housed"] / r["items"] for r in runs if "housed" in r]
        lines.append(
            f"| {scale} | {variant} | {solver} | {_statuses(runs)} | {_num(_median(runs, 'seconds'), 2)} | "
            f"{_num(_max(runs, 'peak_mb'), 0)} | {_pct(_max(runs, 'gap'))} | "
            f"{_pct(_max(runs, 'gap_to_best_bound'))} | "
            f"{_pct(statistics.mean(housed) if housed else None, 1)} | "
            f"{_num(_mean(runs, 'mean_travel_min'), 1)} | "
            f"{_ratio(runs, 'seconds', solver)} | {_ratio(runs, 'peak_mb', solver)} |"
        )
    return lines


def targets(result: Record) -> list[tuple[str, str, str]]:
    """Each target of the issue that this run measured: (target, what was measured, met?)."""
    g = groups(result)
    out = []

    def runs(scale: str, variant: str, solver: str) -> list[Record]:
        return g.get((scale, variant, solver), [])

    ours = runs("M", "zones", "wunneng")
    if ours:
        ok = all(r["status"] == "optimal" and r["seconds"] < 2 for r in ours)
        out.append(("M with capacities: proven optimal in < 2 s", _times(ours), _yes(ok)))
    ours = runs("L", "zones", "wunneng_gap") or runs("L", "zones", "wunneng")
    if ours:
        ok = all(
            r.get("gap") is not None and r["gap"] <= 1e-3 and r["seconds"] < 10 and r["peak_mb"] < 2048
            for r in ours
        )
        out.append(("L with capacities: gap <= 0.1 % in < 10 s, < 2 GB", _times(ours, memory=True), _yes(ok)))
    ours = runs("XL", "zones", "wunneng_gap") + runs("XL", "free", "wunneng_gap")
    ours = ours or runs("XL", "zones", "wunneng") + runs("XL", "free", "wunneng")
    if ours:
        ok = all(r.get("gap") is not None and r["seconds"] < 60 for r in ours)
        out.append(("XL: a solution with its gap in < 60 s", _times(ours), _yes(ok)))
    for scale, factor in (("M", 1.0), ("L", 10.0)):
        ours, dense = runs(scale, "free", "wunneng"), runs(scale, "free", "dense_lsa")
        pairs = _paired(ours, dense)
        label = "faster than" if factor == 1 else f"{factor:.0f}x faster than"
        if ours and dense and not pairs:
            failed = "; ".join(f"{r['status']} ({r.get('note', '')})" for r in dense)
            out.append(
                (
                    f"{scale} without capacities: {label} dense LSA, same optimum",
                    f"wunneng {_times(ours)}; dense LSA {failed}",
                    "not measured",
                )
            )
        if pairs:
            ok = all(
                b["seconds"] >= factor * a["seconds"] and a.get("objective") == b.get("objective")
                for a, b in pairs
            )
            speed = ", ".join(f"{b['seconds'] / a['seconds']:.1f}x" for a, b in pairs)
            out.append((f"{scale} without capacities: {label} dense LSA, same optimum", speed, _yes(ok)))
    for solver in ("cpsat", "mip"):
        pairs = _paired(runs("M", "zones", "wunneng"), runs("M", "zones", solver))
        if pairs:
            texts, ok = [], True
            for a, b in pairs:
                speed = b["seconds"] / a["seconds"]
                if None not in (a.get("gap"), b.get("gap")) and b["gap"] <= a["gap"] + 1e-9:
                    texts.append(f"{speed:.1f}x")
                elif b.get("gap") is None:
                    texts.append(f"> {speed:.1f}x ({solver}: no bound or no solution)")
                else:
                    texts.append(f"> {speed:.1f}x ({solver} gap {_pct(b['gap'])} %)")
                # where the baseline never reached wunneng's gap, its time is a lower bound on the ratio
                ok &= a.get("gap") is not None and speed >= 10
            out.append(
                (
                    f"M with capacities: >= 10x faster than direct {solver} for the same gap",
                    ", ".join(texts),
                    _yes(ok),
                )
            )
    return out


def _paired(a: list[Record], b: list[Record]) -> list[tuple[Record, Record]]:
    return [
        (x, y)
        for x, y in zip(a, b, strict=False)
        if isinstance(x.get("seconds"), float) and isinstance(y.get("seconds"), float) and x["seconds"] > 0
    ]


def _times(runs: Iterable[Record], memory: bool = False) -> str:
    parts = []
    for r in runs:
        text = f"{r['status']} {_num(r.get('seconds'), 2)} s, gap {_pct(r.get('gap'))} %"
        if memory:
            text += f", {_num(r.get('peak_mb'), 0)} MB"
        parts.append(text)
    return "; ".join(parts)


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _statuses(runs: list[Record]) -> str:
    counts = Counter(str(r["status"]) for r in runs)
    text = ", ".join(f"{s} {n}" for s, n in counts.most_common())
    notes = {r["note"] for r in runs if r.get("note") and r["status"] in ("skipped", "error", "timeout")}
    return text + (f" ({'; '.join(sorted(notes))})" if notes else "")


def _status(r: Record) -> str:
    text = str(r["status"])
    if r.get("violations"):
        text += " INVALID: " + "; ".join(r["violations"][:2])
    if r["status"] in ("skipped", "error", "timeout", "out of memory") and r.get("note"):
        text += f" ({r['note']})"
    return text


def _values(runs: Iterable[Record], key: str) -> list[float]:
    return [float(r[key]) for r in runs if isinstance(r.get(key), int | float)]


def _agg(f: Callable[[list[float]], float]) -> Callable[[Iterable[Record], str], float | None]:
    def inner(runs: Iterable[Record], key: str) -> float | None:
        vals = _values(runs, key)
        return f(vals) if vals else None

    return inner


_median = _agg(statistics.median)
_mean = _agg(statistics.mean)
_max = _agg(max)


def _ratio(runs: list[Record], key: str, solver: str) -> str:
    if solver == "wunneng":
        return "1"
    vals = [float(r["wunneng_over"][key]) for r in runs if key in r.get("wunneng_over", {})]
    return f"{statistics.median(vals):.3g}" if vals else "-"


def _num(v: object, digits: int) -> str:
    if not isinstance(v, int | float):
        return "-"
    return f"{v:,.{digits}f}"


def _pct(v: object, digits: int = 3) -> str:
    return "-" if not isinstance(v, int | float) else f"{100 * v:.{digits}f}"
