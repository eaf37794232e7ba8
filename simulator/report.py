"""The outputs of a run: the JSON time series (byte-identical for the same scenario and seed), one
self-contained HTML page (inline SVG charts, verdicts, policy history) and each chart as an SVG file."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from simulator.charts import Chart, Series, line_chart


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _series(days: list[dict[str, Any]], key: str, scale: float = 1.0) -> list[float | None]:
    return [None if d[key] is None else d[key] * scale for d in days]


def charts(report: dict[str, Any]) -> dict[str, str]:
    """name -> SVG, the plots an economist asks for first."""
    days = report["days"]
    x = [d["day"] for d in days]
    targets = report["scenario"]["targets"]
    markers = [(v["day"], f"v{v['version']}") for v in report["policyHistory"] if v["day"] > 1]
    band = targets["imbalancePercent"]
    found = {
        "supply-demand": line_chart(Chart(
            "Supply and demand: tokens minted and burned per day", x,
            [Series("minted", _series(days, "minted")), Series("burned", _series(days, "burned")),
             Series("expired", _series(days, "expired"))], "tokens per day", markers=markers)),
        "velocity": line_chart(Chart(
            f"Velocity over the last {report['scenario']['windowDays']} days", x,
            [Series("spent per week / average circulating", _series(days, "velocityPerWeek"))], "per week",
            lines=[(targets["velocityPerWeek"], f"target {targets['velocityPerWeek']}/week")], markers=markers)),
        "imbalance": line_chart(Chart(
            "Supply-demand imbalance: (minted - burned) / burned", x,
            [Series("imbalance %", _series(days, "imbalancePercent"))], "percent (clipped at -100 and 500)",
            band=(-band, band), markers=markers, clip=(-100.0, 500.0))),
        "dropoff": line_chart(Chart(
            "Newcomers who ran out of tokens before earning any", x,
            [Series("drop-off %", _series(days, "dropoffPercent"))], "percent of newcomers",
            lines=[(targets["dropoffPercent"], f"target < {targets['dropoffPercent']}%")], markers=markers)),
        "inequality": line_chart(Chart(
            "Balances: Gini and the top 10%'s share", x,
            [Series("Gini x 100", _series(days, "gini", 100)), Series("top 10% share %",
                                                                      _series(days, "top10SharePercent"))],
            "percent", markers=markers)),
        "cycle": line_chart(Chart(
            "Median earn -> spend cycle time (tokens spent in the window)", x,
            [Series("median days", _series(days, "medianCycleDays"))], "days", markers=markers)),
        "reputation": line_chart(Chart(
            "Reputation (decayed to the day): 10th, 50th and 90th percentile", x,
            [Series("p10", _series(days, "reputationP10")), Series("median", _series(days, "reputationMedian")),
             Series("p90", _series(days, "reputationP90"))], "reputation", markers=markers)),
        "cap-refusals": line_chart(Chart(
            "Rewards refused by the daily earning cap", x,
            [Series("refusals", _series(days, "capRefusals"))], "per day", markers=markers)),
    }
    if any(d["gamingAgents"] for d in days):
        found["gaming"] = line_chart(Chart(
            "Gaming agents: share of all tokens earned", x,
            [Series("gaming agents' share %", _series(days, "gamingShareOfEarnedPercent"))], "percent",
            markers=markers))
    return found


STYLE = """body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}
.PASS{color:#2ca02c;font-weight:bold}.FAIL{color:#d62728;font-weight:bold}.NO_DATA{color:#888}
figure{margin:1.2em 0}code{background:#f4f4f4;padding:1px 4px}"""


def _verdict_rows(verdicts: dict[str, Any]) -> str:
    rows = []
    for key, v in verdicts.items():
        first = v["firstFailedDay"] if v["firstFailedDay"] is not None else "-"
        rows.append(f"<tr><td>{escape(v['label'])}</td><td>{escape(v['rule'])}</td>"
                    f"<td class=\"{v['verdict']}\">{v['verdict']}</td><td>{first}</td>"
                    f"<td>{v['daysFailed']} of {v['daysJudged']}</td><td>{v['final']}</td></tr>")
    return ("<table><tr><th>target</th><th>rule</th><th>verdict</th><th>first day failed</th>"
            "<th>days failed</th><th>last day's value</th></tr>" + "".join(rows) + "</table>")


def _history_rows(history: list[dict[str, Any]]) -> str:
    rows = "".join(f"<tr><td>{v['version']}</td><td>{v['day']}</td><td>{escape(v['reason'])}</td>"
                   f"<td><code>{escape(json.dumps(v['changes'], sort_keys=True))}</code></td></tr>" for v in history)
    return f"<table><tr><th>version</th><th>day</th><th>reason</th><th>values (changes)</th></tr>{rows}</table>"


def html(report: dict[str, Any], svgs: dict[str, str]) -> str:
    scenario, totals = report["scenario"], report["totals"]
    figures = "".join(f"<figure>{svg}</figure>" for svg in svgs.values())
    summary = ", ".join(f"{k}: {v:,}" if isinstance(v, int) else f"{k}: {v}" for k, v in totals.items())
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Simulation: {escape(scenario['name'])}</title>
<style>{STYLE}</style></head><body>
<h1>Token economy simulation: {escape(scenario['name'])}</h1>
<p>{escape(scenario['description'])}</p>
<p>{scenario['days']} days from {scenario['start']}, seed {scenario['seed']}; targets judged after a warm-up of
{scenario['warmupDays']} days, velocity and imbalance over the last {scenario['windowDays']} days.</p>
<h2>Verdicts</h2>{_verdict_rows(report['verdicts'])}
<h2>Totals</h2><p>{escape(summary)}</p>
<h2>Policy history</h2>{_history_rows(report['policyHistory'])}
<h2>Charts</h2>{figures}
<h2>Populations</h2><table><tr><th>name</th><th>behaviour</th><th>on day 1</th><th>arrivals per day</th></tr>
{''.join(f"<tr><td>{escape(p['name'])}</td><td>{p['behaviour']}</td><td>{p['initial']}</td>"
         f"<td>{p['arrivalsPerDay']}</td></tr>" for p in scenario['populations'])}</table>
</body></html>
"""


def write(report: dict[str, Any], out: Path) -> list[Path]:
    """report.json, report.html and charts/NAME.svg under `out`; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "charts").mkdir(exist_ok=True)
    svgs = charts(report)
    written = [out / "report.json", out / "report.html"]
    written[0].write_text(to_json(report))
    written[1].write_text(html(report, svgs))
    for name, svg in svgs.items():
        path = out / "charts" / f"{name}.svg"
        path.write_text(svg + "\n")
        written.append(path)
    return written
