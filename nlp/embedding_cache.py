"""Sentence vectors of training examples, kept between trainings by content hash.

Encoding the ~4,000 training examples takes most of a training run; between two runs
only a few examples change. A vector is keyed by the encoder's fingerprint and the
token ids it read (so a new model or a new reading never reuses an old vector), and
the file holds hashes and vectors only, never the text. Patients' messages are never
cached: only training and evaluation code calls this.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from nlp.minilm import DIMENSIONS, MODEL_DIR, MiniLM

CACHE_FILE = "vectors-cache.npz"
# how a vector was made: one text per forward pass (nlp/minilm.py, encode_many)
READING = b"one-text-per-pass"


def _key(fingerprint: str, ids: Sequence[int]) -> str:
    data = fingerprint.encode() + READING + np.asarray(ids, np.int32).tobytes()
    return hashlib.sha256(data).hexdigest()[:32]


class EmbeddingCache:
    def __init__(self, encoder: MiniLM, path: Optional[Path] = None) -> None:
        self._encoder = encoder
        self._path = path = path or MODEL_DIR / CACHE_FILE
        self._vectors: Dict[str, np.ndarray] = {}
        if path.exists():
            try:
                with np.load(path) as stored:
                    for key, vector in zip(
                        stored["keys"], stored["vectors"], strict=True
                    ):
                        self._vectors[str(key)] = vector
            except (OSError, ValueError, KeyError):
                self._vectors = {}  # a damaged cache is only slower

    def encode(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        """Vectors of framed token-id sequences, encoding only the new ones."""
        keys = [_key(self._encoder.fingerprint, ids) for ids in batch]
        missing: Dict[str, Sequence[int]] = {
            k: ids for k, ids in zip(keys, batch, strict=True) if k not in self._vectors
        }
        if missing:
            fresh = self._encoder.encode_many(list(missing.values()))
            self._vectors.update(zip(missing, fresh, strict=True))
            self._save()
        if not keys:
            return np.zeros((0, DIMENSIONS), np.float32)
        return np.stack([self._vectors[k] for k in keys])

    def classifier_readings(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode([self._encoder.question_first(t) for t in texts])

    def story_readings(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode([self._encoder.story(t) for t in texts])

    def _save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        keys: List[str] = list(self._vectors)
        handle, temporary = tempfile.mkstemp(dir=self._path.parent, suffix=".npz")
        os.close(handle)
        np.savez(
            temporary,
            keys=np.array(keys),
            vectors=np.stack([self._vectors[k] for k in keys]),
        )
        os.replace(temporary, self._path)
