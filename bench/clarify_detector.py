"""Detector latency on a 2,000-character prompt (target p99 <= 5 ms). Prints JSON.

    .venv/bin/python bench/clarify_detector.py [--runs 5000]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder would come first on sys.path, and bench/http.py would shadow the stdlib.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import time

from bench.support import emit, percentile
from services.clarification.ambiguity import detect
from services.clarification.tickets import detector_defaults

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5000)
    args = parser.parse_args()
    prompt = prompt_of_length(2000)
    defaults = detector_defaults()
    result = detect(prompt, {}, defaults)
    for _ in range(200):
        detect(prompt, {}, defaults)
    timings, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.thread_time()
        detect(prompt, {}, defaults)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    emit({"benchmark": "clarification detector", "prompt_chars": len(prompt), "runs": args.runs,
          "questions": len(result.questions), "kinds": sorted({q.kind.value for q in result.questions}),
          "wall_ms": {"p50": round(percentile(timings, 50), 3), "p90": round(percentile(timings, 90), 3),
                      "p99": round(percentile(timings, 99), 3), "max": round(max(timings), 3)},
          "cpu_ms": {"p50": round(percentile(cpu, 50), 3), "p99": round(percentile(cpu, 99), 3)},
          "load_average": __import__("os").getloadavg(),
          "target_p99_ms": 5})


if __name__ == "__main__":
    main()
