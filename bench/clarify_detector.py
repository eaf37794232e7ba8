"""Detector latency on a 2,000-character prompt, the estimator and the configured embedder
included (target p99 <= 20 ms), beside the rules alone and the embedder alone. Prints JSON.

    .venv/bin/python bench/clarify_detector.py [--runs 2000] [--embedder minilm|hashing]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder would come first on sys.path, and bench/http.py would shadow the stdlib.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import os
import tempfile
import time
from collections.abc import Callable

from bench.support import emit, percentile
from services.clarification.ambiguity import Detection, detect, embed_for_estimator, rule_questions
from services.clarification.estimator import embedding_text, uses_embedding
from services.clarification.tickets import detector_defaults
from services.search.embedding import CHOICES, configure

PARAGRAPHS = [
    "We need a nightly job that connects to our Postgres database and copies the orders and invoices tables "
    "into the analytics warehouse. ",
    "Maybe add some retries when the connection drops, and log progress to a file so the on-call engineer can "
    "see what happened. ",
    "The job should export a report of the rows copied per table, the time taken, errors etc. ",
    "It runs in the data-platform Kubernetes cluster; use the service account that already exists there. ",
    "Use an LLM to summarize any schema changes it notices between yesterday's and today's tables. ",
    "Keep the run under a few minutes if possible, and send an email to the team when it fails. ",
    "Do not drop or truncate anything in the source database: it is shared with the billing service. ",
]


def prompt_of_length(length: int) -> str:
    text = ""
    i = 0
    while len(text) < length:
        text += PARAGRAPHS[i % len(PARAGRAPHS)]
        i += 1
    return text[:length]


def timings(run: Callable[[], object], runs: int) -> dict[str, dict[str, float]]:
    for _ in range(min(200, runs)):
        run()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.thread_time()
        run()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    return {"wall_ms": {"p50": round(percentile(wall, 50), 3), "p90": round(percentile(wall, 90), 3),
                        "p99": round(percentile(wall, 99), 3), "max": round(max(wall), 3)},
            "cpu_ms": {"p50": round(percentile(cpu, 50), 3), "p99": round(percentile(cpu, 99), 3)}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--embedder", choices=CHOICES, default="minilm")
    args = parser.parse_args()
    embedder = configure(args.embedder, Path(tempfile.gettempdir()) / "omniclaude-bench")
    prompt = prompt_of_length(2000)
    defaults = detector_defaults()

    def detector() -> Detection:
        name, vector = embed_for_estimator(prompt, embedder)
        return detect(prompt, {}, defaults, embedder_name=name, vector=vector)

    result = detector()
    embedded = embedding_text(prompt)
    # the same run times the parts: the rules alone (the detector before the estimator) and the
    # embedder alone on what the estimator embeds (the floor the estimator adds to)
    emit({"benchmark": "clarification detector", "prompt_chars": len(prompt), "runs": args.runs,
          "embedder": embedder.name, "estimator_model": result.estimate.model,
          "estimator_uses_embedding": uses_embedding(embedder.name), "embedded_chars": len(embedded),
          "score": result.estimate.score, "questions": len(result.questions),
          "kinds": sorted({q.kind.value for q in result.questions}),
          "detector": timings(detector, args.runs),
          "rules_only": timings(lambda: rule_questions(prompt, {}, defaults), args.runs),
          "embedder_only": timings(lambda: embedder.embed_batch([embedded]), args.runs),
          "load_average": os.getloadavg(),
          "target_p99_ms": 20})


if __name__ == "__main__":
    main()
