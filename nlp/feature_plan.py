"""The classifier's fitted features for one message, without scikit-learn's per-call
overhead.

`FeatureUnion.transform` on one message spent most of the classifier's time in
checks, not in arithmetic: each TF-IDF vectorizer re-derives its idf vector from a
sparse diagonal matrix (`check_is_fitted` reads the `idf_` property), validates its
input, builds and sorts sparse matrices, and the union then stacks the blocks. Under
load that was an eighth of the Rasa server's CPU.

`FeaturePlan` reads the fitted parts once, through their public attributes
(`build_analyzer()`, `vocabulary_`, `idf_`, `sublinear_tf`, `norm`), and computes the
same numbers: counts of the vocabulary's n-grams, 1 + log(count) when sublinear,
times idf, divided by the row's l2 norm, times the part's weight. Dense parts (the
WordLlama and MiniLM vectors) are added as they are. The result is the one-row CSR
matrix the union would give; tests/unit/test_linear_classifier.py holds the two to
the same values on every message the repository holds. A part of any other kind goes
through its own `transform`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Tuple

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer


@dataclass
class _Tfidf:
    """A fitted Pipeline(select, TfidfVectorizer, scale) as plain arrays."""

    select: Callable[[List[Any]], List[str]]
    analyze: Callable[[str], List[str]]
    vocabulary: dict
    idf: Optional[np.ndarray]
    sublinear: bool
    norm: Optional[str]
    weight: float

    @property
    def width(self) -> int:
        return len(self.vocabulary)

    def row(self, document: str) -> Tuple[np.ndarray, np.ndarray]:
        counts = Counter(
            index
            for index in map(self.vocabulary.get, self.analyze(document))
            if index is not None
        )
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0)
        indices = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
        values = np.array([counts[i] for i in indices.tolist()], dtype=np.float64)
        if self.sublinear:
            values = np.log(values) + 1
        if self.idf is not None:
            values = values * self.idf[indices]
        if self.norm == "l2":
            values = values / np.sqrt(np.dot(values, values))
        elif self.norm == "l1":
            values = values / np.abs(values).sum()
        return indices, values * self.weight


def _as_tfidf(part: Any) -> Optional[_Tfidf]:
    """The plan of a Pipeline(FunctionTransformer, TfidfVectorizer, FunctionTransformer
    scaling by `weight`), or None for any other part."""
    if not isinstance(part, Pipeline) or len(part.steps) != 3:
        return None
    (_, select), (_, vectorizer), (_, scale) = part.steps
    if not (
        isinstance(select, FunctionTransformer)
        and isinstance(vectorizer, TfidfVectorizer)
        and isinstance(scale, FunctionTransformer)
        and not vectorizer.binary
        and set(scale.kw_args or {}) <= {"weight"}
    ):
        return None
    return _Tfidf(
        select=select.func,
        analyze=vectorizer.build_analyzer(),
        vocabulary=vectorizer.vocabulary_,
        idf=np.asarray(vectorizer.idf_) if vectorizer.use_idf else None,
        sublinear=vectorizer.sublinear_tf,
        norm=vectorizer.norm,
        weight=float((scale.kw_args or {}).get("weight", 1.0)),
    )


class FeaturePlan:
    """The fitted union's `transform`, one message at a time (module docstring)."""

    def __init__(self, parts: List[Any]) -> None:
        self._parts = [(part, _as_tfidf(part)) for part in parts]

    def transform(self, batch: List[Any]) -> sparse.csr_matrix:
        rows = [self._row(item) for item in batch]
        return sparse.vstack(rows, format="csr") if len(rows) != 1 else rows[0]

    def _row(self, item: Any) -> sparse.csr_matrix:
        indices, values, offset = [], [], 0
        for part, tfidf in self._parts:
            if tfidf is not None:
                (document,) = tfidf.select([item])
                found, scores = tfidf.row(document)
                width = tfidf.width
            else:
                block = sparse.csr_matrix(part.transform([item]))
                found, scores, width = block.indices, block.data, block.shape[1]
            indices.append(found + offset)
            values.append(scores)
            offset += width
        data = np.concatenate(values)
        return sparse.csr_matrix(
            (data, np.concatenate(indices), np.array([0, data.size])),
            shape=(1, offset),
        )
