"""The underspecification estimator: does this task say enough to act on?

A logistic regression over the task's signals (`signals.py`), the rule findings of the detector and
the sentence embedding of the prompt (the configured embedder, `services/search/embedding.py`). It
is trained by `data/train_estimator.py` on the labelled corpus and shipped as `data/estimator.json`:
one model per embedder it was trained with, and one without the embedding, used when the configured
embedder is not one the weights know. Scoring is numpy only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from services.clarification.questions import Question, QuestionKind, Severity
from services.clarification.signals import Signals, last_sentence

MODEL_FILE = Path(__file__).resolve().parent / "data" / "estimator.json"
LEXICAL = "lexical"
# A sentence model's cost grows with the text (all-MiniLM-L6-v2: ~100 ms of CPU for 2,000
# characters on this class of machine), so the estimator embeds at most this much: the start of the
# task and its last sentence, where a request usually says what it wants.
EMBEDDED_CHARS = 256
REASONS_SHOWN = 3
QUOTES_SHOWN = 2


def rule_features(questions: Sequence[Question]) -> dict[str, float]:
    """What the explainable rules found, as numbers the model weighs like any other signal."""
    kinds = [q.kind for q in questions]
    vague = sum(k is QuestionKind.VAGUE for k in kinds)
    contradictions = sum(k is QuestionKind.CONTRADICTION for k in kinds)
    blocking = sum(q.severity is Severity.BLOCKING and q.kind is not QuestionKind.CONTRADICTION for q in questions)
    return {"rule_contradictions": math.log1p(contradictions), "rule_missing_blocking": math.log1p(blocking),
            "rule_missing_optional": math.log1p(len(kinds) - vague - contradictions - blocking),
            "rule_vague": math.log1p(vague)}


def feature_row(signals: Signals, questions: Sequence[Question]) -> dict[str, float]:
    return {**signals.features(), **rule_features(questions)}


@dataclass(frozen=True)
class Head:
    """One trained model: standardised named features, optionally the embedding, a bias, a threshold."""

    name: str
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    embedding_weights: np.ndarray | None
    bias: float
    threshold: float

    @classmethod
    def of(cls, name: str, data: dict[str, Any]) -> "Head":
        embedding = data.get("embedding_weights")
        return cls(name, tuple(data["features"]), np.asarray(data["mean"]), np.asarray(data["scale"]),
                   np.asarray(data["weights"]), None if embedding is None else np.asarray(embedding, dtype=np.float32),
                   float(data["bias"]), float(data["threshold"]))

    def contributions(self, row: dict[str, float]) -> np.ndarray:
        x = np.array([row[name] for name in self.features])
        return (x - self.mean) / self.scale * self.weights

    def score(self, row: dict[str, float], vector: np.ndarray | None) -> tuple[float, np.ndarray, float]:
        """The probability that the task is underspecified, each feature's share of the logit, and
        the embedding's share."""
        parts = self.contributions(row)
        embedded = 0.0
        if vector is not None and self.embedding_weights is not None:
            embedded = float(vector @ self.embedding_weights)
        logit = self.bias + float(parts.sum()) + embedded
        return 1.0 / (1.0 + math.exp(-max(min(logit, 40.0), -40.0))), parts, embedded


@dataclass(frozen=True)
class Model:
    heads: dict[str, Head]
    corpus_sha256: str

    def head_for(self, embedder_name: str | None) -> Head:
        return self.heads.get(embedder_name or LEXICAL) or self.heads[LEXICAL]


@lru_cache(maxsize=1)
def model() -> Model:
    data = json.loads(MODEL_FILE.read_text())
    return Model({name: Head.of(name, head) for name, head in data["heads"].items()}, data["corpus"]["sha256"])


@dataclass(frozen=True)
class Estimate:
    score: float
    threshold: float
    underspecified: bool
    reason: str
    model: str


def embedding_text(prompt: str) -> str:
    """What the estimator embeds: the whole task when short, else its start and its last sentence."""
    if len(prompt) <= EMBEDDED_CHARS:
        return prompt
    half = EMBEDDED_CHARS // 2
    start, end = last_sentence(prompt)
    ask = prompt[start:end].strip()[:half]
    head = prompt[:max(half, EMBEDDED_CHARS - len(ask) - 1)]
    return f"{head.rsplit(' ', 1)[0]} {ask}" if start >= len(head) else prompt[:EMBEDDED_CHARS]


def uses_embedding(embedder_name: str | None) -> bool:
    """Whether the weights were trained with this embedder, so that its vector is worth computing."""
    return model().head_for(embedder_name).embedding_weights is not None


def estimate(signals: Signals, questions: Sequence[Question], *, embedder_name: str | None,
             vector: np.ndarray | None = None, threshold: float | None = None) -> Estimate:
    """Score a task. `vector` is `embedding_text(prompt)` embedded by the configured embedder
    (`embedder_name`), needed when `uses_embedding(embedder_name)`; without it the model without
    the embedding scores."""
    head = model().head_for(embedder_name)
    if head.embedding_weights is None or vector is None:
        head, vector = model().heads[LEXICAL], None
    row = feature_row(signals, questions)
    score, parts, embedded = head.score(row, vector)
    cut = head.threshold if threshold is None else threshold
    flagged = score >= cut
    reason = _reason(signals, head, row, parts, embedded, flagged=flagged, score=score, cut=cut)
    return Estimate(round(score, 6), cut, flagged, reason, head.name)


# -- the reason in words ------------------------------------------------------------------------

def _quoted(items: Sequence[Any]) -> str:
    texts = list(dict.fromkeys(s.text for s in items))[:QUOTES_SHOWN]
    return ", ".join(f'"{t}"' for t in texts)


CONCRETE_LABELS = {"code_span": "code spans", "path": "paths", "identifier": "identifiers",
                   "route": "routes or addresses", "version": "versions", "quantity": "numbers with units",
                   "quoted": "quoted values", "acceptance": "acceptance criteria",
                   "enumeration": "enumerated requirements"}
OPEN_LABELS = {"vague_verb": "vague verbs", "vague_adjective": "vague wording",
               "unresolved": "references the repository cannot resolve", "unbounded": "unbounded scope",
               "destructive": "destructive or outward-facing work", "hedge": "hedges", "chat": "a conversational ask"}
TOWARDS_UNDERSPECIFIED = {
    "no_concrete": "no concrete target (a file, identifier, route, number or quoted value)",
    "words": "a short task",
    "concrete_total": "few concrete targets",
    "concrete_per_10_words": "little concrete detail for its length",
    "vague_without_concrete": "vague wording with nothing concrete to pin it down",
    "unresolved_without_concrete": "references with nothing concrete to pin them down",
    "destructive_without_concrete": "destructive work with no concrete target",
    "destructive_without_environment": "destructive work without a named environment",
    "ask_vague": "a vague request",
    "ask_concrete": "a request with nothing concrete in it",
    "rule_missing_blocking": "missing parameters the task needs",
    "rule_vague": "vague terms",
    "rule_contradictions": "contradictions",
}
TOWARDS_ACTIONABLE = {"words": "a detailed task", "concrete_total": "concrete targets",
                      "concrete_per_10_words": "dense concrete detail", "ask_concrete": "a concrete request",
                      "open_environment": "a named environment"}


def _quoted(items: Sequence[Any]) -> str:
    texts = list(dict.fromkeys(s.text.strip("\"'`") for s in items))[:QUOTES_SHOWN]
    return ", ".join(f'"{t}"' for t in texts)


def _phrase(feature: str, value: float, signals: Signals, *, towards_underspecified: bool) -> str | None:
    """A feature's push in words, said only when it points the way of the verdict and has
    something to show: open signals for an underspecified task, concrete ones for an actionable one."""
    kind = feature.split("_", 1)[1] if "_" in feature else feature
    if towards_underspecified and feature.startswith("open_") and kind in OPEN_LABELS:
        found = signals.open_signals[kind]
        return f"{OPEN_LABELS[kind]} ({_quoted(found)})" if found else None
    if not towards_underspecified and feature.startswith("concrete_") and kind in CONCRETE_LABELS:
        found = signals.concrete[kind]
        return f"{CONCRETE_LABELS[kind]} ({_quoted(found)})" if found else None
    if feature == "no_concrete" and signals.concrete_count:
        return None
    if towards_underspecified:
        return TOWARDS_UNDERSPECIFIED.get(feature)
    return TOWARDS_ACTIONABLE.get(feature) if value > 0 else None


def _reason(signals: Signals, head: Head, row: dict[str, float], parts: np.ndarray, embedded: float, *,
            flagged: bool, score: float, cut: float) -> str:
    sign = 1.0 if flagged else -1.0
    ranked = sorted(range(len(parts)), key=lambda i: -sign * parts[i])
    said: list[str] = []
    for i in ranked:
        if sign * parts[i] <= 0 or len(said) == REASONS_SHOWN:
            break
        name = head.features[i]
        phrase = _phrase(name, row[name], signals, towards_underspecified=flagged)
        if phrase and phrase not in said:
            said.append(phrase)
    if sign * embedded > 0 and sign * embedded >= min((sign * parts[i] for i in ranked[:REASONS_SHOWN]), default=0):
        said.append("its wording resembles " + ("underspecified" if flagged else "actionable") + " tasks of the corpus")
    verdict = ("underspecified: it does not say enough to act on" if flagged
               else "actionable as written")
    because = f" ({'; '.join(said)})" if said else ""
    return f"The estimator finds the task {verdict}{because}; score {score:.2f}, threshold {cut:.2f}."
