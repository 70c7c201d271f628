"""The report of a sweep: tornado charts and Sobol indices, which assumptions move which results."""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from scenarios.kpi import kpi_info
from scenarios.report import CSS, DATA_CREDIT, _html_table, _png, _subplots
from scenarios.sweep import SweepResult, Tornado, sobol_indices, tornado
from scenarios.tidy import Row, tidy_csv, write_xlsx


def fig_tornado(t: Tornado) -> bytes:
    """One bar per parameter from the indicator's mean in its lowest to its highest quarter."""

    def swing(n: str) -> float:
        d = abs(t.high[n] - t.low[n])
        return d if math.isfinite(d) else 0.0

    names = sorted(t.low, key=swing, reverse=True)
    fig, ax = _subplots(figsize=(7, 0.45 * len(names) + 1.4))
    for k, n in enumerate(names):
        lo, hi = t.low[n], t.high[n]
        if math.isfinite(lo) and math.isfinite(hi):
            ax.barh(k, hi - lo, left=lo, color="#d62728" if hi < lo else "#1f77b4")
    ax.axvline(t.overall, color="k", lw=0.8)
    ax.set_yticks(np.arange(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    info = kpi_info(t.indicator)
    ax.set(
        title=f"{info.label}: parameter in its lowest quarter -> highest quarter",
        xlabel=f"{t.indicator} ({info.unit or 'count'}), mean over seeds",
    )
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def sweep_rows(result: SweepResult) -> list[Row]:
    """Tidy rows: one per run and indicator, and one per sample and parameter value (``param.<path>``)."""
    out: list[Row] = []
    for (i, seed), o in sorted(result.outcomes.items()):
        name = result.specs[i].name
        months = float(result.specs[i].run.months)
        out += [Row(name, seed, months, "all", k, v) for k, v in o.kpis.items()]
    for i, spec in enumerate(result.specs):
        for k, p in enumerate(result.params):
            out.append(Row(spec.name, -1, math.nan, "all", f"param.{p.path}", float(result.points[i, k])))
    return out


def render_sweep(result: SweepResult, indicators: Sequence[str], title: str) -> tuple[str, dict[str, bytes]]:
    """The HTML report (figures embedded) and its PNGs by file name."""
    pngs: dict[str, bytes] = {}
    blocks = []
    for name in indicators:
        png = fig_tornado(tornado(result, name))
        pngs[f"tornado_{name}.png"] = png
        b64 = base64.b64encode(png).decode()
        blocks.append(f'<figure><img alt="tornado {name}" src="data:image/png;base64,{b64}"></figure>')
    sobol_rows: list[list[str]] = [["indicator", "parameter", "S1 (first order)", "ST (total)"]]
    for name in indicators:
        si = sobol_indices(result, name)
        for path, (s1, st) in (si or {}).items():
            sobol_rows.append([name, path, f"{s1:.2f}", f"{st:.2f}"])
    sobol_html = (
        _html_table(sobol_rows)
        if len(sobol_rows) > 1
        else '<p class="muted">Sobol indices need the sobol design and every run finished.</p>'
    )
    ranges = [["parameter", "low", "high"]] + [[p.path, f"{p.low:g}", f"{p.high:g}"] for p in result.params]
    failed = "".join(
        f"<li>{html.escape(result.specs[i].name)} seed {s}: {html.escape(err)}</li>"
        for (i, s), err in sorted(result.failures.items())
    )
    doc = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{CSS}</style></head>
<body><h1>{html.escape(title)}</h1>
<p class="muted">{len(result.specs)} samples x {len(result.seeds)} seeds (the same seeds for every
sample); {len(result.outcomes)} runs finished ({result.reused} reused from an earlier sweep),
{len(result.failures)} failed. Tornado bars: the indicator's mean over the samples whose parameter
lies in its lowest quarter and in its highest quarter (the other parameters vary meanwhile).</p>
<p class="muted">{html.escape(DATA_CREDIT)}</p>
<h2>Parameters</h2>{_html_table(ranges)}
<h2>What moves what</h2>{"".join(blocks)}
<h2>Sobol indices</h2>{sobol_html}
{f"<h2>Failed runs</h2><ul>{failed}</ul>" if failed else ""}
</body></html>
"""
    return doc, pngs


def write_sweep(out: Path, result: SweepResult, indicators: Sequence[str], title: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    doc, pngs = render_sweep(result, indicators, title)
    for name, png in pngs.items():
        (out / name).write_bytes(png)
    rows = sweep_rows(result)
    (out / "tidy.csv").write_text(tidy_csv(rows), "utf-8")
    (out / "tidy-excel-fr.csv").write_bytes(tidy_csv(rows, excel_fr=True).encode("utf-8"))
    write_xlsx(out / "tidy.xlsx", rows)
    path = out / "sweep.html"
    path.write_text(doc, "utf-8")
    return path
