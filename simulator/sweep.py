"""`--sweep`: one or two policy knobs over a grid of values; each cell is a whole run on its own
database, judged against the targets, and the grid is reported as a table and a heat map."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from services.economy.policy import COEFFICIENTS
from simulator.charts import heat_map
from simulator.engine import Progress, simulate
from simulator.metrics import days_all_met
from simulator.report import STYLE, to_json
from simulator.scenario import CAMEL_TO_SNAKE, Scenario, ScenarioError, Targets, coefficients
from simulator.world import Server

MAX_KNOBS = 2
MAX_CELLS = 100


@dataclass(frozen=True)
class Knob:
    name: str  # snake_case coefficient
    labels: list[str]  # the values as given
    values: list[Any]  # typed as the policy stores them


def parse_knob(text: str) -> Knob:
    """`starterGrant=50,100,200` (or snake_case): a policy coefficient and its values."""
    name, sep, rest = text.partition("=")
    name = name.strip()
    if not sep or not rest.strip():
        raise ScenarioError("--sweep", f"{text!r}: write KNOB=VALUE,VALUE,... e.g. starterGrant=50,100,200")
    key = CAMEL_TO_SNAKE.get(name, name)
    labels = [v.strip() for v in rest.split(",") if v.strip()]
    if len(set(labels)) != len(labels):
        raise ScenarioError(f"--sweep {name}", "the values repeat")
    if key not in COEFFICIENTS:
        raise ScenarioError(f"--sweep {name}", f"not a policy coefficient; one of {', '.join(COEFFICIENTS.values())}")
    return Knob(key, labels, [coefficients({key: _typed(v)}, f"--sweep {name}")[key] for v in labels])


def _typed(value: str) -> Any:
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def check_grid(knobs: list[Knob]) -> None:
    if not 1 <= len(knobs) <= MAX_KNOBS:
        raise ScenarioError("--sweep", f"one or two knobs, got {len(knobs)}")
    if len({k.name for k in knobs}) != len(knobs):
        raise ScenarioError("--sweep", "the same knob twice")
    cells = 1
    for knob in knobs:
        cells *= len(knob.values)
    if cells > MAX_CELLS:
        raise ScenarioError("--sweep", f"{cells} cells; at most {MAX_CELLS} runs in one sweep")


def cell_of(report: dict[str, Any], knobs: list[Knob], indexes: tuple[int, ...]) -> dict[str, Any]:
    """What the grid shows of one run: its verdicts, the targets met and the days meeting all of them."""
    verdicts = report["verdicts"]
    judged = [v for v in verdicts.values() if v["verdict"] != "NO_DATA"]
    scenario = report["scenario"]
    targets = Targets(velocity_per_week=scenario["targets"]["velocityPerWeek"],
                      imbalance_percent=scenario["targets"]["imbalancePercent"],
                      dropoff_percent=scenario["targets"]["dropoffPercent"],
                      min_newcomers=scenario["targets"]["minNewcomers"])
    days_met, days_judged = days_all_met(report["days"], targets, scenario["warmupDays"])
    return {"indexes": list(indexes), "label": ", ".join(f"{COEFFICIENTS[k.name]}={k.labels[i]}"
                                                         for k, i in zip(knobs, indexes)),
            "values": {COEFFICIENTS[k.name]: k.labels[i] for k, i in zip(knobs, indexes)},
            "verdicts": {key: {"verdict": v["verdict"], "firstFailedDay": v["firstFailedDay"]}
                         for key, v in verdicts.items()},
            "met": sum(1 for v in judged if v["verdict"] == "PASS"), "judged": len(judged),
            "allMet": bool(judged) and all(v["verdict"] == "PASS" for v in judged),
            "daysAllMet": days_met, "daysJudged": days_judged,
            "final": {key: v["final"] for key, v in verdicts.items()}}


def cell_folder(out: Path, cell: dict[str, Any]) -> Path:
    return out / "runs" / cell["label"].replace(", ", "_").replace("=", "-")


async def run_sweep(scenario: Scenario, knobs: list[Knob], server: Server, *, out: Path,
                    progress: Progress | None = None) -> dict[str, Any]:
    cells = []
    for indexes in itertools.product(*(range(len(k.values)) for k in knobs)):
        overrides = {k.name: k.values[i] for k, i in zip(knobs, indexes)}
        result = await simulate(scenario.with_policy(overrides), server, progress)
        cell = cell_of(result.report, knobs, indexes)
        folder = cell_folder(out, cell)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "report.json").write_text(to_json(result.report))
        cells.append(cell)
    return {"scenario": scenario.describe(),
            "knobs": [{"name": COEFFICIENTS[k.name], "values": k.labels} for k in knobs], "cells": cells}


def heat(sweep: dict[str, Any]) -> str:
    knobs = sweep["knobs"]
    x, y = knobs[0], knobs[1] if len(knobs) > 1 else {"name": "", "values": [""]}
    grid = {(c["indexes"][0], c["indexes"][1] if len(c["indexes"]) > 1 else 0):
            (c["met"], c["judged"], c["daysAllMet"] / c["daysJudged"] if c["daysJudged"] else 0.0)
            for c in sweep["cells"]}
    return heat_map(f"{sweep['scenario']['name']}: targets met, and the days meeting all of them",
                    x_name=x["name"], x_values=x["values"],
                    y_name=y["name"], y_values=y["values"], cells=grid)


def table(sweep: dict[str, Any]) -> str:
    """A plain-text table for the terminal."""
    keys = list(sweep["cells"][0]["verdicts"]) if sweep["cells"] else []
    lines = [" | ".join(["setting", *keys, "all met", "days meeting all"])]
    for cell in sweep["cells"]:
        marks = [f"{v['verdict']}" + (f" (day {v['firstFailedDay']})" if v["firstFailedDay"] else "")
                 for v in cell["verdicts"].values()]
        lines.append(" | ".join([cell["label"], *marks, "yes" if cell["allMet"] else "no",
                                 f"{cell['daysAllMet']} of {cell['daysJudged']}"]))
    return "\n".join(lines)


def write(sweep: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    svg = heat(sweep)
    rows = "".join(
        f"<tr><td>{escape(c['label'])}</td>" + "".join(
            f"<td class=\"{v['verdict']}\">{v['verdict']}"
            f"{' (day ' + str(v['firstFailedDay']) + ')' if v['firstFailedDay'] else ''}</td>"
            for v in c["verdicts"].values()) + f"<td>{'yes' if c['allMet'] else 'no'}</td>"
        f"<td>{c['daysAllMet']} of {c['daysJudged']}</td></tr>"
        for c in sweep["cells"])
    head = "".join(f"<th>{escape(k)}</th>" for k in (sweep["cells"][0]["verdicts"] if sweep["cells"] else []))
    page = (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>Sweep: {escape(sweep['scenario']['name'])}"
            f"</title><style>{STYLE}</style></head><body><h1>Policy sweep: {escape(sweep['scenario']['name'])}</h1>"
            f"<p>Knobs: {escape(json.dumps(sweep['knobs']))}. Each cell is a full run of "
            f"{sweep['scenario']['days']} days, seed {sweep['scenario']['seed']}.</p>{svg}"
            f"<table><tr><th>setting</th>{head}<th>all targets met</th><th>days meeting all</th></tr>{rows}"
            "</table></body></html>\n")
    paths = [out / "sweep.json", out / "sweep.html", out / "sweep-heatmap.svg"]
    paths[0].write_text(to_json(sweep))
    paths[1].write_text(page)
    paths[2].write_text(svg + "\n")
    return paths
