"""Tables and a self-contained HTML report comparing scenarios (PNGs embedded and written alongside).

Plots are drawn on matplotlib ``Figure`` objects (no pyplot, so no global backend state; the command
line selects Agg) from the shipped commune boundaries: no network, no CDN, no JavaScript. The first
spec is the reference: other columns show differences to it, paired by seed, with 95 % intervals.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure

from matcher.geo import communes
from scenarios.data import commune_shapes
from scenarios.kpi import GROUP_KPIS, KPIS, Outcome, kpi_bounds, kpi_info, zone_kpis
from scenarios.runner import Estimate, by_spec, estimate, paired_difference, values
from scenarios.spec import Spec, parameter_rows
from scenarios.tidy import tidy_csv, tidy_rows, write_xlsx

#: Indicators shown as bars (one panel each).
BAR_KPIS = (
    "housed",
    "housed_share",
    "wait_median_months",
    "wait_p90_months",
    "reception_months_mean",
    "rent_burden_median",
    "travel_work_mean_min",
    "under_occupancy_mean",
)
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def kpi_names(runs: dict[str, list[Outcome]]) -> list[str]:
    """Every overall indicator, in report order, zones included (the union over specs)."""
    zones: list[str] = []
    for outs in runs.values():
        for o in outs:
            zones += [z for z in o.zones if z not in zones]
    names = [k.name for k in KPIS]
    caseload = [k.name for k in zone_kpis(zones)]
    at = names.index("oneshot_housed")
    return (
        names[:at]
        + [n for n in caseload if not n.startswith("oneshot_")]
        + names[at:]
        + [n for n in caseload if n.startswith("oneshot_")]
    )


def group_names(runs: dict[str, list[Outcome]]) -> list[str]:
    seen: list[str] = []
    for outs in runs.values():
        for o in outs:
            seen += [g for g in o.groups if g not in seen]
    return seen


def _cell(e: Estimate, digits: int = 1) -> str:
    return e.show(digits)


def _diff(e: Estimate, digits: int = 1) -> str:
    if math.isnan(e.mean):
        return "-"
    sign = "+" if e.mean >= 0 else ""
    return f"{sign}{e.show(digits)}"


def table_rows(runs: dict[str, list[Outcome]]) -> list[list[str]]:
    """Header + one row per indicator: label, then each spec's mean ±, then Δ to the first spec."""
    specs = list(runs)
    head = ["indicator", "unit", specs[0]]
    for s in specs[1:]:
        head += [s, f"Δ {s}"]
    rows = [head]
    ref = runs[specs[0]]
    for name in kpi_names(runs):
        info = kpi_info(name)
        b = kpi_bounds(name)
        row = [name, info.unit, _cell(estimate(values(ref, name), b))]
        for s in specs[1:]:
            row += [
                _cell(estimate(values(runs[s], name), b)),
                _diff(paired_difference(ref, runs[s], name, bounds=b)),
            ]
        rows.append(row)
    return rows


def group_rows(runs: dict[str, list[Outcome]]) -> list[list[str]]:
    specs = list(runs)
    head = ["group", "indicator", specs[0]]
    for s in specs[1:]:
        head += [s, f"Δ {s}"]
    rows = [head]
    ref = runs[specs[0]]
    for g in group_names(runs):
        for k in GROUP_KPIS:
            b = kpi_bounds(k.name)
            row = [g, k.name, _cell(estimate(values(ref, k.name, g), b))]
            for s in specs[1:]:
                row += [
                    _cell(estimate(values(runs[s], k.name, g), b)),
                    _diff(paired_difference(ref, runs[s], k.name, g, bounds=b)),
                ]
            rows.append(row)
    return rows


#: (label, key with targets, key without) of the fairness price table.
FAIRNESS_PAIRS = (
    ("objective (cost points, runs the targets could be met in)", "objective_with", "objective_without"),
    ("households proposed a unit, summed over runs", "housed_with", "housed_without"),
    ("travel to work of the proposals, mean", "travel_with_min", "travel_without_min"),
)


def fairness_rows(runs: dict[str, list[Outcome]]) -> list[list[str]]:
    """Header + what each spec's fairness targets cost: every matching run solved with and without
    them (:func:`matcher.fairness.price_of`), summed per seed, then mean and interval over seeds of
    each side and of their difference (paired: the same runs). Only the header without targets."""
    rows = [["spec", "indicator", "with targets", "without", "with - without"]]
    for s, outs in runs.items():
        outs = [o for o in outs if o.fairness]
        if not outs:
            continue
        for label, a, b in FAIRNESS_PAIRS:
            va = [o.fairness.get(a, math.nan) for o in outs]
            vb = [o.fairness.get(b, math.nan) for o in outs]
            diff = estimate([x - y for x, y in zip(va, vb, strict=True)])
            rows.append([s, label, _cell(estimate(va)), _cell(estimate(vb)), _diff(diff)])
        price = estimate([o.fairness.get("price_pct", math.nan) for o in outs])
        rows.append([s, "price: objective increase, % of the objective without", "", "", _diff(price, 2)])
        runs_bad = estimate([o.fairness["runs_infeasible"] for o in outs])
        total = estimate([o.fairness["runs"] for o in outs])
        rows.append(
            [s, f"runs whose targets could not be met (of {total.mean:.0f})", _cell(runs_bad), "", ""]
        )
        keys = sorted({k for o in outs for k in o.fairness if k.startswith(("moved.", "infeasible."))})
        for k in keys:
            e = estimate([o.fairness.get(k, 0.0) for o in outs])
            if k.startswith("moved."):
                rows.append([s, f"housed share moved, points: {k.removeprefix('moved.')}", "", "", _diff(e)])
            else:
                rows.append(
                    [s, f"runs naming target {k.removeprefix('infeasible.')} infeasible", _cell(e), "", ""]
                )
    return rows


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# figures


def _subplots(rows: int = 1, cols: int = 1, *, figsize: tuple[float, float], squeeze: bool = True) -> Any:
    """A figure and its axes, like ``pyplot.subplots`` but without pyplot's global state."""
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(rows, cols, squeeze=squeeze)


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return buf.getvalue()


def fig_waiting_list(runs: dict[str, list[Outcome]]) -> bytes:
    fig, axes = _subplots(1, 2, figsize=(11, 3.8))
    for i, (spec, outs) in enumerate(runs.items()):
        c = COLOURS[i % len(COLOURS)]
        n = min(len(o.series["waiting"]) for o in outs)
        month = np.array(outs[0].series["month"][:n])
        for ax, key in zip(axes, ("waiting", "housed"), strict=True):
            y = np.array([o.series[key][:n] for o in outs])
            ax.plot(month, y.mean(axis=0), color=c, label=spec)
            ax.fill_between(month, y.min(axis=0), y.max(axis=0), color=c, alpha=0.15, lw=0)
    axes[0].set(title="Households waiting at each matching run", xlabel="month", ylabel="households")
    axes[1].set(title="Households housed so far", xlabel="month", ylabel="households")
    axes[0].legend(frameon=False)
    for ax in axes:
        ax.grid(alpha=0.3)
    return _png(fig)


def fig_waiting_curves(runs: dict[str, list[Outcome]]) -> bytes:
    fig, ax = _subplots(figsize=(6.5, 4))
    for i, (spec, outs) in enumerate(runs.items()):
        y = np.array([o.km_waiting for o in outs])
        x = np.array(outs[0].km_months)
        c = COLOURS[i % len(COLOURS)]
        ax.step(x, 100 * y.mean(axis=0), where="post", color=c, label=spec)
        ax.fill_between(x, 100 * y.min(axis=0), 100 * y.max(axis=0), step="post", color=c, alpha=0.15, lw=0)
    ax.set(
        title="Still waiting, by months since protection (Kaplan-Meier)",
        xlabel="months since protection",
        ylabel="% still waiting",
        ylim=(0, 101),
    )
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return _png(fig)


def fig_kpi_bars(runs: dict[str, list[Outcome]], names: Sequence[str] = BAR_KPIS) -> bytes:
    cols = 4
    rows = math.ceil(len(names) / cols)
    fig, axes = _subplots(rows, cols, figsize=(3.2 * cols, 2.8 * rows), squeeze=False)
    specs = list(runs)
    for ax, name in zip(axes.ravel(), names, strict=False):
        est = [estimate(values(runs[s], name)) for s in specs]
        means = [0 if math.isnan(e.mean) else e.mean for e in est]
        err = [0 if math.isnan(e.half) else e.half for e in est]
        ax.bar(
            range(len(specs)),
            means,
            yerr=err,
            color=[COLOURS[i % len(COLOURS)] for i in range(len(specs))],
            capsize=3,
        )
        info = kpi_info(name)
        ax.set_title(info.label + (f" ({info.unit})" if info.unit else ""), fontsize=9)
        ax.set_xticks(range(len(specs)), specs, rotation=20, fontsize=7, ha="right")
        ax.grid(axis="y", alpha=0.3)
    for ax in axes.ravel()[len(names) :]:
        ax.axis("off")
    fig.tight_layout()
    return _png(fig)


def fig_caseload(runs: dict[str, list[Outcome]]) -> bytes:
    zones: list[str] = []
    for outs in runs.values():
        zones += [z for z in outs[0].zones if z not in zones]
    fig, ax = _subplots(figsize=(7, 3.5))
    width = 0.8 / len(runs)
    for i, (spec, outs) in enumerate(runs.items()):
        est = [estimate(values(outs, f"caseload_use.{z}")) for z in zones]
        x = np.arange(len(zones)) + i * width
        ax.bar(
            x,
            [0 if math.isnan(e.mean) else e.mean for e in est],
            width,
            yerr=[0 if math.isnan(e.half) else e.half for e in est],
            capsize=2,
            color=COLOURS[i % len(COLOURS)],
            label=spec,
        )
    ax.axhline(100, color="k", lw=0.8, ls="--")
    ax.set_xticks(np.arange(len(zones)) + 0.4 - width / 2, zones)
    ax.set(title="Social-work caseload in use at the end, by zone", ylabel="% of capacity")
    ax.legend(frameon=False, fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def fig_groups(runs: dict[str, list[Outcome]]) -> bytes:
    groups = group_names(runs)
    fig, ax = _subplots(figsize=(7.5, 0.28 * len(groups) * max(1, len(runs) / 2) + 1.2))
    height = 0.8 / len(runs)
    for i, (spec, outs) in enumerate(runs.items()):
        est = [estimate(values(outs, "housed_share", g)) for g in groups]
        y = np.arange(len(groups)) + i * height
        ax.barh(
            y,
            [0 if math.isnan(e.mean) else e.mean for e in est],
            height,
            color=COLOURS[i % len(COLOURS)],
            label=spec,
        )
    ax.set_yticks(np.arange(len(groups)) + 0.4 - height / 2, groups, fontsize=8)
    ax.invert_yaxis()
    ax.set(title="Housed share by group (who gains, who loses)", xlabel="% of the group housed")
    ax.legend(frameon=False, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def _placements(outs: Sequence[Outcome]) -> dict[str, float]:
    out = {code: 0.0 for code in communes()}
    for o in outs:
        for code, n in o.placements.items():
            out[code] += n / len(outs)
    return out


def fig_map(runs: dict[str, list[Outcome]]) -> bytes:
    """Move-ins per commune for the first spec, and the change for each other spec (choropleth)."""
    shapes = commune_shapes()
    specs = list(runs)
    ref = _placements(runs[specs[0]])
    panels = [(specs[0], ref, "move-ins per commune (mean over seeds)", False)]
    for s in specs[1:]:
        p = _placements(runs[s])
        panels.append((s, {c: p[c] - ref[c] for c in ref}, f"change vs {specs[0]}", True))
    fig, axes = _subplots(1, len(panels), figsize=(3.6 * len(panels), 4.6), squeeze=False)
    aspect = 1 / math.cos(math.radians(49.8))
    for ax, (title, data, subtitle, diverging) in zip(axes[0], panels, strict=True):
        polys, vals = [], []
        for code, rings in shapes.items():
            for ring in rings:
                polys.append(ring)
                vals.append(data.get(code, 0.0))
        v = np.array(vals)
        if diverging:
            lim = max(1e-9, float(np.abs(v).max()))
            norm: Normalize = TwoSlopeNorm(0.0, -lim, lim)
            cmap = "RdBu"
        else:
            norm, cmap = Normalize(0, max(1e-9, float(v.max()))), "YlGnBu"
        coll = PolyCollection(polys, array=v, cmap=cmap, norm=norm, edgecolors="#555", linewidths=0.3)
        ax.add_collection(coll)
        ax.autoscale_view()
        ax.set_aspect(aspect)
        ax.set_axis_off()
        ax.set_title(f"{title}\n{subtitle}", fontsize=9)
        fig.colorbar(coll, ax=ax, shrink=0.6)
    fig.tight_layout()
    return _png(fig)


#: Indicators of the forest plot: what a planner asks changes.
FOREST_KPIS = (
    "housed",
    "housed_share",
    "wait_median_months",
    "reception_months_mean",
    "decline_rate",
    "rent_burden_median",
    "travel_work_mean_min",
    "public_cost_per_housed",
)


def fig_forest(runs: dict[str, list[Outcome]]) -> bytes:
    """Paired differences to the first spec, each as % of the first spec's mean, with 95 % intervals."""
    specs = list(runs)
    ref = runs[specs[0]]
    rows: list[tuple[str, str, float, float, float]] = []
    for name in FOREST_KPIS:
        base = estimate(values(ref, name)).mean
        for s in specs[1:]:
            d = paired_difference(ref, runs[s], name, bounds=kpi_bounds(name))
            if math.isnan(d.mean) or not base:
                continue
            lo = d.lo if not math.isnan(d.lo) else d.mean
            hi = d.hi if not math.isnan(d.hi) else d.mean
            rows.append((kpi_info(name).label, s, 100 * d.mean / base, 100 * lo / base, 100 * hi / base))
    fig, ax = _subplots(figsize=(8, 0.32 * max(len(rows), 1) + 1.3))
    if not rows:
        ax.text(0.5, 0.5, "one scenario: no differences to show", ha="center", va="center")
        ax.set_axis_off()
        return _png(fig)
    y = np.arange(len(rows))
    for k, (_, s, mid, lo, hi) in enumerate(rows):
        c = COLOURS[(specs.index(s)) % len(COLOURS)]
        ax.plot([lo, hi], [k, k], color=c, lw=2)
        ax.plot([mid], [k], "o", color=c)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_yticks(y, [f"{label} ({s})" for label, s, *_ in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set(
        title=f"What changes against {specs[0]} (paired by seed, 95 % interval)",
        xlabel=f"difference, % of {specs[0]}'s mean",
    )
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


# ---------------------------------------------------------------------------------------------------
# the report


FIGURES = (
    ("forest", "What changes: paired differences to the first spec with 95 % intervals", fig_forest),
    (
        "waiting_list",
        "Waiting list and households housed over time (line: mean over seeds; band: min-max)",
        fig_waiting_list,
    ),
    (
        "waiting_curves",
        "Waiting-time curves: share still waiting by months since protection",
        fig_waiting_curves,
    ),
    ("kpi_bars", "Key indicators (mean, 95 % interval over seeds)", fig_kpi_bars),
    (
        "groups",
        "Housed share by household type, support intensity, vulnerability and nationality group",
        fig_groups,
    ),
    ("caseload", "Caseload use per support zone", fig_caseload),
    ("map", "Where households moved in (communes; GeoJSON shipped with wunneng)", fig_map),
)

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1200px;
color:#222;padding:0 1em}
table{border-collapse:collapse;font-size:13px;margin:1em 0}
th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
td.help{color:#666;text-align:left;white-space:normal;font-size:12px}
tr:hover{background:#f5f7fa}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:2px solid #1f77b4;padding-bottom:.2em}
figure{margin:1.5em 0}figcaption{color:#555;font-size:13px}
img{max-width:100%}
.spec{margin:.4em 0}.muted{color:#666;font-size:13px}
.warn{background:#fff6e0;border-left:4px solid #e6a100;padding:.4em 1em;margin:1em 0;font-size:14px}
"""


def _html_table(rows: list[list[str]], helps: list[str] | None = None) -> str:
    out = ["<table><thead><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])]
    if helps is not None:
        out[0] += "<th>meaning</th>"
    out[0] += "</tr></thead><tbody>"
    for k, r in enumerate(rows[1:]):
        cells = "".join(f"<td>{html.escape(c)}</td>" for c in r)
        if helps is not None:
            cells += f'<td class="help">{html.escape(helps[k])}</td>'
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


#: Credit every report gives to the data it rests on (see scenarios/data/ATTRIBUTION.md).
DATA_CREDIT = (
    "Data: Observatoire de l'Habitat (rents, CC BY 4.0); STATEC and Administration du cadastre et de la "
    "topographie (population and boundaries, CC0); Wikidata and trainline-eu (stations, ODbL); CFL, "
    "Luxtram and RGTR running times as recalled (travel matrix). Figures cited in the project's "
    "research notes are listed with each parameter below."
)
#: Indicators the warnings look at.
WATCHED = ("housed", "housed_share", "wait_median_months")


def warnings(runs: dict[str, list[Outcome]]) -> list[str]:
    """Why a comparison may be too small to tell anything, and how many seeds would."""
    specs = list(runs)
    ref = runs[specs[0]]
    seeds = min(len(v) for v in runs.values())
    out = []
    if seeds < 3:
        out.append(f"{seeds} seed(s) per spec: intervals need at least 3 seeds (use --seeds 5 or more).")
    housed = estimate(values(ref, "housed")).mean
    if not math.isnan(housed) and housed < 10:
        out.append(
            f"{specs[0]} houses {housed:.1f} households on average: too few for rates and medians "
            "to mean much; raise --scale or --months."
        )
    for s in specs[1:]:
        for name in WATCHED:
            d = paired_difference(ref, runs[s], name, bounds=kpi_bounds(name))
            if d.n < 2 or d.tells():
                continue
            need = d.seeds_to_tell()
            hint = (
                f"about {need} seeds would tell a difference of this size"
                if need is not None
                else "no difference at all across these seeds"
            )
            out.append(f"Δ {name} of {s} ({d.show()}) cannot be told from 0 with {d.n} seeds; {hint}.")
    return out


def _figures(runs: dict[str, list[Outcome]]) -> list[tuple[str, str, bytes]]:
    return [(name, caption, draw(runs)) for name, caption, draw in FIGURES]


def _parameters_table(spec: Spec) -> list[list[str]]:
    return [["parameter", "value", "source or assumption"]] + [list(r) for r in parameter_rows(spec)]


def render_report(
    specs: Sequence[Spec],
    outcomes: Sequence[Outcome],
    title: str = "",
    figures: list[tuple[str, str, bytes]] | None = None,
) -> str:
    """The self-contained HTML report (figures embedded as base64 PNGs) as a string."""
    grouped = by_spec(outcomes)
    runs = {s.name: grouped[s.name] for s in specs if s.name in grouped}
    rows = table_rows(runs)
    grows = group_rows(runs)
    figures = _figures(runs) if figures is None else figures
    blocks = []
    for name, caption, png in figures:
        b64 = base64.b64encode(png).decode()
        blocks.append(
            f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{b64}">'
            f"<figcaption>{html.escape(caption)} ({name}.png)</figcaption></figure>"
        )
    seeds = sorted({o.seed for o in outcomes})
    spec_html = []
    for s in specs:
        notes = next((o.notes for o in grouped.get(s.name, [])), [])
        spec_html.append(
            f'<div class="spec"><b>{html.escape(s.name)}</b>: {html.escape(s.title or "")}'
            f'<div class="muted">{html.escape(s.description.strip())}</div>'
            f'<div class="muted">scale {s.run.scale:g}, {s.run.months} months, matching every '
            f"{s.run.matching_interval_days} days, {len(s.changes)} change(s)"
            + (f": {html.escape('; '.join(notes))}" if notes else "")
            + "</div></div>"
        )
    helps = [kpi_info(r[0]).help for r in rows[1:]]
    ref = next(iter(runs))
    warn = warnings(runs)
    warn_html = (
        '<div class="warn"><b>Read with care</b><ul>'
        + "".join(f"<li>{html.escape(w)}</li>" for w in warn)
        + "</ul></div>"
        if warn
        else ""
    )
    frows = fairness_rows(runs)
    fair_html = (
        '<h2>Fairness targets: what they cost</h2>\n<p class="muted">Every matching run of a spec with '
        "targets is solved with and without them (the same households and units); sums per seed, then "
        "means over seeds, the difference paired by seed. A run whose targets cannot be met is matched "
        "without them and names the targets that fail.</p>\n" + _html_table(frows) + "\n"
        if len(frows) > 1
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title or "wunneng scenarios")}</title>
<style>{CSS}</style></head><body>
<h1>{html.escape(title or "wunneng: scenario comparison")}</h1>
<p class="muted">Generated {datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")} by
<code>wunneng scenario</code>.
Seeds {", ".join(map(str, seeds))} ({len(seeds)} per spec, the same for every spec).
Values are means over seeds ± the half-width of a 95 % t-interval ([low, high] where the interval is
clipped to what the indicator can take); Δ columns are differences to
<b>{html.escape(ref)}</b>, paired by seed. Synthetic data: distributions and their sources are listed
at the end.</p>
<p class="muted">{html.escape(DATA_CREDIT)}</p>
{warn_html}
<h2>Scenarios</h2>
{"".join(spec_html)}
<h2>Indicators</h2>
{_html_table(rows, helps)}
{fair_html}<h2>Figures</h2>
{"".join(blocks)}
<h2>Indicators by group</h2>
<p class="muted">Household type, support intensity, vulnerability and nationality group are planner-only
attributes: the matcher never sees nationality.</p>
{_html_table(grows)}
<h2>Parameters and their sources ({html.escape(specs[0].name)})</h2>
{_html_table(_parameters_table(specs[0]))}
</body></html>
"""


def write_report(
    out_dir: str | Path, specs: Sequence[Spec], outcomes: Sequence[Outcome], title: str = ""
) -> Path:
    """Write ``report.html`` (self-contained), the PNGs, ``kpis.csv``, ``groups.csv``, the tidy table
    (``tidy.csv``, ``tidy-excel-fr.csv``, ``tidy.xlsx``) and ``outcomes.json`` to ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    grouped = by_spec(outcomes)
    runs = {s.name: grouped[s.name] for s in specs if s.name in grouped}
    rows = table_rows(runs)
    _write_csv(out / "kpis.csv", rows)
    _write_csv(out / "groups.csv", group_rows(runs))
    if len(frows := fairness_rows(runs)) > 1:
        _write_csv(out / "fairness.csv", frows)
    tidy = tidy_rows(outcomes, {s.name: float(s.run.months) for s in specs})
    (out / "tidy.csv").write_text(tidy_csv(tidy), "utf-8")
    (out / "tidy-excel-fr.csv").write_bytes(tidy_csv(tidy, excel_fr=True).encode("utf-8"))
    write_xlsx(out / "tidy.xlsx", tidy)
    (out / "outcomes.json").write_text(
        json.dumps([asdict(o) for o in outcomes], indent=1, default=float) + "\n", "utf-8"
    )
    (out / "table.txt").write_text(text_table(rows) + "\n", "utf-8")
    figures = _figures(runs)
    for name, _, png in figures:
        (out / f"{name}.png").write_bytes(png)
    path = out / "report.html"
    path.write_text(render_report(specs, outcomes, title, figures), "utf-8")
    return path


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
