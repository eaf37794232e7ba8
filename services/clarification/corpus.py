"""The labelled corpus of the underspecification estimator: its records, its splits and how a
detector is scored on them. Used by the training script, the tests and the benchmark; the server
never reads the corpus.

A record's split is a function of its group alone (a clear and an underspecified version of one
request share a group), so a pair never straddles training and test:
sha256(group)[:8] as a big-endian integer, modulo 100: below 35 test (frozen), below 55
validation, else train. See docs/underspecification_labelling.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "underspecification_corpus.jsonl"
TEST_BELOW, VALIDATION_BELOW = 35, 55
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class Record:
    id: str
    group: str
    style: str
    domain: str
    label: int
    missing: tuple[str, ...]
    prompt: str

    @property
    def split(self) -> str:
        return split_of(self.group)


def split_of(group: str) -> str:
    bucket = int.from_bytes(hashlib.sha256(group.encode()).digest()[:8], "big") % 100
    return "test" if bucket < TEST_BELOW else "validation" if bucket < VALIDATION_BELOW else "train"


def load(path: Path = CORPUS) -> tuple[list[Record], str]:
    """The records and the SHA-256 of the file they came from."""
    raw = path.read_bytes()
    records = []
    for line in raw.decode().splitlines():
        if line.strip():
            item = json.loads(line)
            records.append(Record(item["id"], item["group"], item["style"], item["domain"], int(item["label"]),
                                  tuple(item["missing"]), item["prompt"]))
    return records, hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Scores:
    """How flags compare with labels (1 = underspecified). Over-asking: clear tasks flagged."""

    tp: int
    fp: int
    fn: int
    tn: int

    @classmethod
    def of(cls, pairs: Iterable[tuple[bool, int]]) -> "Scores":
        tp = fp = fn = tn = 0
        for flagged, label in pairs:
            if flagged and label:
                tp += 1
            elif flagged:
                fp += 1
            elif label:
                fn += 1
            else:
                tn += 1
        return cls(tp, fp, fn, tn)

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else 0.0

    @property
    def over_asking(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    def to_json(self) -> dict[str, float | int]:
        return {"n": self.n, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "accuracy": round(self.accuracy, 4), "over_asking": round(self.over_asking, 4)}
