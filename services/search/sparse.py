"""Sparse lexical vectors: the words, identifiers, error codes and file names of a text.

Dense models are weak exactly where words are strong: `ERR_SSL_PROTOCOL_ERROR`, `user_42`,
`orders.py`, `0x7f3a`. A text's sparse vector holds, for each distinct term, a BM25 term weight
(term frequency saturated with k1 = 1.2, length-normalised against a typical chunk). Terms are the
lower-cased words (stop words dropped, lightly stemmed) and, for compounds joined by `_ . - / :`,
the whole compound too, so an exact identifier is one rare term. The query's vector has weight 1
per term; the collection applies IDF (Qdrant's `Modifier.IDF`, or the same formula in local mode),
so a query scores a text by BM25.

Hybrid ranking asks only for the query's identifiers (`identifiers`): compounds, words with a digit,
camelCase and PascalCase names (`max_connections`, `502`, `PgBouncer`); plain words are left to the
dense model, which understands them better (see services/search/vectors.py for the measurements).

Indices are the CRC-32 of the term (u32, the same in every process).
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass

from services.search.embedding import STOPWORDS, _stem

NAME = "bm25-terms-v1"
COMPOUND = re.compile(r"[a-z0-9]+(?:[_.\-/:][a-z0-9]+)+")
WORD = re.compile(r"[a-z0-9]+")
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
IDENTIFIER = re.compile(r"[A-Za-z0-9]+(?:[_.\-/:][A-Za-z0-9]+)+"  # joined by _ . - / :
                        r"|[A-Za-z]*\d[A-Za-z0-9]*"  # with a digit
                        r"|[A-Za-z]*[a-z][A-Z][A-Za-z0-9]*")  # camelCase, PascalCase
K1 = 1.2
B = 0.75
TYPICAL_TERMS = 60  # a 300-400 byte chunk


@dataclass(frozen=True)
class Sparse:
    indices: list[int]
    values: list[float]

    def __bool__(self) -> bool:
        return bool(self.indices)


def terms(text: str) -> list[str]:
    """Every term occurrence of `text`: words (camelCase split), whole compounds and identifiers."""
    split = CAMEL.sub(" ", text).lower()
    found = [_stem(w) for w in WORD.findall(split) if w not in STOPWORDS]
    found += COMPOUND.findall(text.lower())
    found += [i.lower() for i in IDENTIFIER.findall(text) if not i.isdigit() and not COMPOUND.fullmatch(i.lower())]
    return found


def _index(term: str) -> int:
    return zlib.crc32(term.encode())


def document(text: str) -> Sparse:
    """BM25 term weights of a stored text, indices sorted."""
    counts = Counter(terms(text))
    length = sum(counts.values())
    norm = K1 * (1 - B + B * length / TYPICAL_TERMS)
    weights: dict[int, float] = {}
    for term, tf in counts.items():
        key = _index(term)
        weights[key] = weights.get(key, 0.0) + tf * (K1 + 1) / (tf + norm)
    keys = sorted(weights)
    return Sparse(keys, [weights[k] for k in keys])


def query(text: str) -> Sparse:
    """Weight 1 per distinct term of a query, indices sorted (the collection multiplies in IDF)."""
    return _weights({_index(term) for term in terms(text)})


def identifiers(text: str) -> Sparse:
    """The query's identifiers only (what hybrid ranking matches exactly); empty when it has none."""
    found = {i.lower() for i in IDENTIFIER.findall(text)}
    return _weights({_index(_stem(i) if i.isdigit() else i) for i in found})


def _weights(keys: set[int]) -> Sparse:
    ordered = sorted(keys)
    return Sparse(ordered, [1.0] * len(ordered))
