"""Accuracy of the clarification detector on prompts it was not tuned on. Prints JSON.

    .venv/bin/python bench/clarify_accuracy.py [--clamber FILE] [--swe-summaries FILE] [--swe-baselines DIR]
        [--embedder minilm|hashing]

Always: the frozen test split of the corpus (`tests/data/underspecification_corpus.jsonl`), for
the detector as the server runs it (ticket or not: the estimator's verdict, or a contradiction),
for the estimator alone, and for the rules alone (the detector before the estimator: any finding
opens a ticket) as the anchor, each by style too.

Public sets, when given (they are measured, never trained or tuned on; keep them out of git):

- CLAMBER (Zhang et al., ACL 2024): GitHub repository `zt991211/CLAMBER`, file
  `clamber_benchmark.jsonl` (3,202 queries, `require_clarification` 0/1; each line is a JSON string
  holding the record). The repository states no licence: measure locally, do not redistribute.
  Its `predict_ambiguous` field holds the predictions published with it (ChatGPT, per the paper),
  reported here as the baseline.
- The underspecified SWE-bench Verified issues of "Interactive Agents to Overcome Ambiguity in
  Software Engineering" (Vijayvargiya et al., 2025): GitHub repository `sani903/InteractiveSWEAgents`
  (MIT), file `evaluation/benchmarks/swe_bench/data/full_summaries_verified.xlsx`: 500 issues,
  each as `original_issue` (the full report, label 0) and `problem_statement` (the underspecified
  summary, label 1). Baselines: the folder `experiments/test_interactivity/` of the same
  repository (`--swe-baselines`): each model was shown one version of each issue, chosen at random,
  and `output` 1 means it asked before acting.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import json
import os
import re
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterable

from bench.common import emit
from services.clarification.ambiguity import detect, embed_for_estimator, rule_questions
from services.clarification.corpus import Scores, load
from services.clarification.tickets import detector_defaults
from services.search.embedding import CHOICES, configure, get_embedder

SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def judge(prompt: str) -> dict[str, bool]:
    """The three verdicts on one prompt: detector, estimator alone, rules alone."""
    defaults = detector_defaults()
    name, vector = embed_for_estimator(prompt, get_embedder())
    detection = detect(prompt, {}, defaults, embedder_name=name, vector=vector)
    return {"detector": detection.ambiguous, "estimator": detection.estimate.underspecified,
            "rules_only": bool(rule_questions(prompt, {}, defaults))}


def score(items: Iterable[tuple[str, int]]) -> dict[str, dict]:
    pairs: dict[str, list[tuple[bool, int]]] = {"detector": [], "estimator": [], "rules_only": []}
    for prompt, label in items:
        for name, flagged in judge(prompt).items():
            pairs[name].append((flagged, label))
    return {name: Scores.of(found).to_json() for name, found in pairs.items()}


def frozen_split() -> dict:
    records, digest = load()
    test = [r for r in records if r.split == "test"]
    by_style = {style: score((r.prompt, r.label) for r in test if r.style == style)["detector"]
                for style in sorted({r.style for r in test})}
    return {"corpus_sha256": digest, "records": len(test), "underspecified": sum(r.label for r in test),
            **score((r.prompt, r.label) for r in test), "detector_by_style": by_style}


def clamber(path: Path) -> dict:
    rows = []
    for line in path.read_text().splitlines():
        if line.strip():
            value = json.loads(line)
            rows.append(json.loads(value) if isinstance(value, str) else value)
    ours = score((r["question"] if not r.get("context") else f"{r['context']}\n{r['question']}",
                  int(r["require_clarification"])) for r in rows)
    published = Scores.of((bool(int(r["predict_ambiguous"])), int(r["require_clarification"])) for r in rows)
    return {"records": len(rows), **ours, "baseline_published_predictions": published.to_json()}


def _column(reference: str) -> int:
    """0 for A1, 1 for B7, 26 for AA3: empty cells are left out of the sheet, so place by reference."""
    index = 0
    for letter in re.match(r"[A-Z]+", reference).group(0):
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _xlsx_rows(path: Path) -> list[dict[str, str]]:
    """The first sheet of an .xlsx as dicts, read with the standard library."""
    with zipfile.ZipFile(path) as z:
        shared = [''.join(t.text or "" for t in si.iter(f"{SHEET}t"))
                  for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall(f"{SHEET}si")]
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    table = []
    for row in sheet.iter(f"{SHEET}row"):
        values: dict[int, str] = {}
        for cell in row.findall(f"{SHEET}c"):
            v = cell.find(f"{SHEET}v")
            if v is not None:
                values[_column(cell.get("r"))] = shared[int(v.text)] if cell.get("t") == "s" else v.text or ""
        table.append(values)
    header = table[0]
    return [{header[i]: value for i, value in values.items() if i in header} for values in table[1:]]


def _unescape(text: str) -> str:
    # Excel writes "_x000D_" for a carriage return and "_x005F_" for an underscore that would be misread
    return XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text.replace("_x005F_", "_")).replace("\r", "")


def swe_pairs(path: Path, baselines: Path | None) -> dict:
    rows = [r for r in _xlsx_rows(path) if r.get("instance_id")]
    items = [(_unescape(r["original_issue"]), 0) for r in rows] + [(_unescape(r["problem_statement"]), 1) for r in rows]
    result = {"issues": len(rows), "records": len(items), **score(items)}
    if baselines:
        result["baselines_published"] = {
            f.stem.removesuffix("_interactivity_results"): Scores.of(
                (bool(v["output"]), int(v["gold"])) for v in json.loads(f.read_text()).values()
                if v.get("output") is not None and v.get("gold") is not None).to_json()
            for f in sorted(baselines.glob("*_interactivity_results_*.json"))}
    return result


def timed(run: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    result = run()
    return {**result, "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clamber", type=Path, help="clamber_benchmark.jsonl")
    parser.add_argument("--swe-summaries", type=Path, help="full_summaries_verified.xlsx")
    parser.add_argument("--swe-baselines", type=Path, help="experiments/test_interactivity/ (published detection runs)")
    parser.add_argument("--embedder", choices=CHOICES, default="minilm")
    args = parser.parse_args()
    embedder = configure(args.embedder, Path(tempfile.gettempdir()) / "omniclaude-bench")
    result: dict = {"benchmark": "clarification detector accuracy", "embedder": embedder.name,
                    "frozen_test_split": timed(frozen_split)}
    if args.clamber:
        result["clamber"] = timed(lambda: clamber(args.clamber))
    if args.swe_summaries:
        result["swe_bench_underspecified_pairs"] = timed(lambda: swe_pairs(args.swe_summaries, args.swe_baselines))
    result["targets"] = {"frozen_test_split": {"accuracy": 0.85, "recall": 0.80, "over_asking_at_most": 0.15},
                         "outside_the_repository": {"accuracy": 0.80}}
    result["load_average"] = os.getloadavg()
    emit(result)


if __name__ == "__main__":
    main()
