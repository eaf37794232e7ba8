"""Train the underspecification estimator and write `estimator.json` beside this file.

    .venv/bin/python services/clarification/data/train_estimator.py [--embedders NAME ...]

Reads the labelled corpus (`tests/data/underspecification_corpus.jsonl`, labelled by
`docs/underspecification_labelling.md`) and splits it by a hash of each record's group: test
(frozen, never read here), validation, train. For the model without the embedding and for each
embedder named, it fits an L2-regularised logistic regression on the train split by Newton's
method (deterministic: the same corpus gives the same weights), each signal's weight held to the
direction it may push (SIGNS), picks the regularisation by the validation split's log loss, and
picks the threshold on the validation split: the highest accuracy whose over-asking rate (clear
tasks flagged) is at most OVER_ASKING_TARGET less a margin for the sampling error of a small split,
the lower threshold on a tie. The output records the corpus's SHA-256, the seed, the split rule,
the grid and the validation figures. An embedder's model is shipped only when its validation log
loss is lower than that of the model without the embedding; otherwise it is listed under
`rejected_embedders` and a server configured with that embedder scores without it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path[0] = str(ROOT)  # run as a file: import the project, not this folder

import argparse
import itertools
import json
import random
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from services.clarification.ambiguity import Defaults, rule_questions
from services.clarification.corpus import CORPUS, TEST_BELOW, VALIDATION_BELOW, Scores, load
from services.clarification.estimator import LEXICAL, MODEL_FILE, embedding_text, feature_row
from services.clarification.signals import Signals

SEED = 13
OVER_ASKING_TARGET = 0.15
OVER_ASKING_MARGIN = 0.05  # the validation split has ~75 clear tasks: one more flagged moves the rate by 0.013
LEXICAL_PENALTIES = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
EMBEDDING_PENALTIES = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
# The direction each signal may push (1 towards underspecified, -1 towards actionable). A weight
# that the corpus would give the other sign (a quirk of who wrote the prompts: polite asks that
# happen to be concrete, specs that happen to name Postgres) is held at 0 instead. Unlisted
# features are free.
SIGNS = {
    "words": -1, "sentences": -1, "concrete_total": -1, "concrete_per_10_words": -1, "ask_concrete": -1,
    "open_environment": -1, "no_concrete": 1, "open_vague_verb": 1, "open_vague_adjective": 1,
    "open_unresolved": 1, "open_unbounded": 1, "open_hedge": 1, "open_chat": 1, "open_per_10_words": 1,
    "vague_without_concrete": 1, "unresolved_without_concrete": 1, "destructive_without_concrete": 1,
    "destructive_without_environment": 1, "ask_vague": 1, "ask_unresolved": 1, "rule_vague": 1,
    "rule_contradictions": 1, "rule_missing_blocking": 1, "rule_missing_optional": 1,
}
EMBEDDING_GAIN = 10.0  # unit vectors have coordinates near 0.05; scaled so one penalty grid fits both blocks
DEFAULTS = Defaults(model="default-model", temp_path="/tmp/omniclaude")


def embedder_named(name: str) -> Callable[[Sequence[str]], np.ndarray]:
    """Embeds texts with the embedder whose versioned name is `name` (`feature-hashing-v1`,
    `minilm-l6-v2-onnx-v1`), built as the server builds it."""
    from services.search.embedding import BY_NAME, FACTORIES

    if name not in BY_NAME:
        raise SystemExit(f"unknown embedder {name!r}; known: {', '.join(BY_NAME)}")
    embedder = FACTORIES[BY_NAME[name]](Path(tempfile.gettempdir()) / "omniclaude-train", None)
    return lambda texts: np.asarray(embedder.embed_batch(list(texts)), dtype=np.float64)


# -- logistic regression ------------------------------------------------------------------------

def fit_signed(x: np.ndarray, y: np.ndarray, penalties: np.ndarray, signs: np.ndarray) -> tuple[np.ndarray, float]:
    """`fit` with each weight held to its sign (0 = free): weights that come out the wrong way are
    fixed at 0 and the rest refitted, until none does (an active-set method; deterministic)."""
    active = np.ones(x.shape[1], dtype=bool)
    while True:
        w_active, b = fit(x[:, active], y, penalties[active])
        w = np.zeros(x.shape[1])
        w[active] = w_active
        wrong = active & (signs * w < 0)
        if not wrong.any():
            return w, b
        active &= ~wrong


def fit(x: np.ndarray, y: np.ndarray, penalties: np.ndarray, iterations: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method; the bias is not penalised."""
    design = np.hstack([x, np.ones((len(x), 1))])
    penalty = np.append(penalties, 0.0)
    w = np.zeros(design.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ w, -40, 40)))
        gradient = design.T @ (p - y) + penalty * w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w[:-1], float(w[-1])


def predict(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x @ w + b, -40, 40)))


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def metrics(flagged: np.ndarray, y: np.ndarray) -> dict[str, float | int]:
    return Scores.of(zip(flagged.tolist(), y.astype(int).tolist())).to_json()


def choose_threshold(scores: np.ndarray, y: np.ndarray) -> float:
    candidates = sorted({0.5, *((a + b) / 2 for a, b in itertools.pairwise(sorted(set(scores.tolist()))))})
    best: tuple[float, float] | None = None
    for cut in candidates:
        m = metrics(scores >= cut, y)
        if m["over_asking"] > OVER_ASKING_TARGET - OVER_ASKING_MARGIN:
            continue
        key = (m["accuracy"], -cut)
        if best is None or key > best:
            best = key
    return round(-best[1], 6) if best else 0.5


# -- one head -----------------------------------------------------------------------------------

@dataclass
class Data:
    rows: np.ndarray
    vectors: np.ndarray | None
    labels: np.ndarray


def train_head(names: list[str], train: Data, validation: Data) -> dict:
    mean = train.rows.mean(axis=0)
    scale = train.rows.std(axis=0)
    scale[scale < 1e-6] = 1.0

    def design(data: Data) -> np.ndarray:
        x = (data.rows - mean) / scale
        return np.hstack([x, data.vectors * EMBEDDING_GAIN]) if data.vectors is not None else x

    x_train, x_val = design(train), design(validation)
    signs = np.zeros(x_train.shape[1])
    signs[:len(names)] = [SIGNS.get(n, 0) for n in names]
    grid = list(itertools.product(LEXICAL_PENALTIES, EMBEDDING_PENALTIES if train.vectors is not None else (None,)))
    best = None
    for lexical, embedding in grid:
        penalties = np.full(x_train.shape[1], lexical)
        if embedding is not None:
            penalties[len(names):] = embedding
        w, b = fit_signed(x_train, train.labels, penalties, signs)
        loss = log_loss(predict(x_val, w, b), validation.labels)
        if best is None or loss < best[0] - 1e-12:
            best = (loss, lexical, embedding, w, b)
    loss, lexical, embedding, w, b = best
    val_scores = predict(x_val, w, b)
    threshold = choose_threshold(val_scores, validation.labels)
    head = {"signs": {n: SIGNS[n] for n in names if n in SIGNS}, "features": names, "mean": _r(mean),
            "scale": _r(scale), "weights": _r(w[:len(names)]), "bias": round(b, 6),
            "threshold": threshold, "penalties": {"lexical": lexical, "embedding": embedding},
            "validation": {"log_loss": round(loss, 4), **metrics(val_scores >= threshold, validation.labels)},
            "train": metrics(predict(x_train, w, b) >= threshold, train.labels)}
    if train.vectors is not None:
        head["embedding_weights"] = _r(w[len(names):] * EMBEDDING_GAIN)
    return head


def _r(values: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in values]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedders", nargs="*", default=["feature-hashing-v1"],
                        help="embedder names to train a head for (besides the one without embedding)")
    parser.add_argument("--output", type=Path, default=MODEL_FILE)
    args = parser.parse_args()
    random.seed(SEED)
    np.random.seed(SEED)

    records, digest = load()
    splits = {name: [r for r in records if r.split == name] for name in ("train", "validation", "test")}
    dev = splits["train"] + splits["validation"]  # the test split is never featurised here
    features = [feature_row(Signals(r.prompt), rule_questions(r.prompt, {}, DEFAULTS)) for r in dev]
    names = list(features[0])
    rows = np.array([[f[n] for n in names] for f in features])
    labels = np.array([r.label for r in dev], dtype=float)
    n_train = len(splits["train"])

    def data(vectors: np.ndarray | None, part: slice) -> Data:
        return Data(rows[part], None if vectors is None else vectors[part], labels[part])

    heads = {LEXICAL: train_head(names, data(None, slice(0, n_train)), data(None, slice(n_train, None)))}
    rejected = {}
    for name in args.embedders:
        vectors = embedder_named(name)([embedding_text(r.prompt) for r in dev])
        head = train_head(names, data(vectors, slice(0, n_train)), data(vectors, slice(n_train, None)))
        # an embedding earns its place only by a lower validation log loss than the model without it
        if head["validation"]["log_loss"] < heads[LEXICAL]["validation"]["log_loss"]:
            heads[name] = head
        else:
            rejected[name] = {"validation": head["validation"], "penalties": head["penalties"]}

    output = {
        "_about": "Weights of the underspecification estimator (services/clarification/estimator.py), written by "
                  "services/clarification/data/train_estimator.py. Do not edit by hand: retrain.",
        "corpus": {"path": str(CORPUS.relative_to(ROOT)), "sha256": digest, "records": len(records),
                   "train": len(splits["train"]), "validation": len(splits["validation"]), "test": len(splits["test"]),
                   "split": f"sha256(group)[:8] as a big-endian integer % 100: < {TEST_BELOW} test, "
                            f"< {VALIDATION_BELOW} validation, else train"},
        "seed": SEED, "over_asking_target": OVER_ASKING_TARGET, "over_asking_margin": OVER_ASKING_MARGIN,
        "numpy": np.__version__,
        "heads": heads,
        "rejected_embedders": rejected,
    }
    args.output.write_text(json.dumps(output, indent=1) + "\n")
    for name, head in heads.items():
        print(f"{name}: penalties {head['penalties']}, threshold {head['threshold']}, validation {head['validation']}")
    for name, head in rejected.items():
        print(f"{name}: not shipped (validation log loss not below the model without embedding): {head['validation']}")


if __name__ == "__main__":
    main()
