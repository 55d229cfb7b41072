"""The all-MiniLM-L6-v2 sentence encoder at run time: its tokenizer and its int8 ONNX
graph (built by `make minilm`, nlp/minilm_build.py), on the CPU, with no torch.

A sentence is the mean of its tokens' last hidden states, normalised to unit length,
as the model's published pipeline (Transformer -> mean Pooling -> Normalize) does.
Two readings of a message, each at most a fixed number of tokens:
- `question_first`: what the intent classifier reads. A long message is cut with its
  question sentences first (real messages tell a story and ask at the end), at 128
  tokens, the length the model was trained on;
- `story`: what the emergency net reads: the message without the question it ends
  with (nlp/question.py, `story_part`), from its start, up to 256 tokens.
A short message that ends in no question reads the same either way, and is encoded
once.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable, List, Sequence, Tuple

import numpy as np

from nlp.question import question_span, story_part

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "build" / "minilm"
MODEL_FILE = "encoder.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
DIMENSIONS = 384
CLASSIFIER_TOKENS = 128
STORY_TOKENS = 256
CLS, SEP = "[CLS]", "[SEP]"


class MiniLM:
    """One ONNX Runtime session and the tokenizer; `threads` intra-op threads (one in
    the server: a message is small and the other core serves another conversation)."""

    def __init__(self, directory: Path = MODEL_DIR, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        model = directory / MODEL_FILE
        if not model.exists():
            raise FileNotFoundError(
                f"{model} is missing: run `make minilm` (make run and make test do)"
            )
        self._tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self._cls = self._tokenizer.token_to_id(CLS)
        self._sep = self._tokenizer.token_to_id(SEP)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self.fingerprint = _file_digest(model)

    def word_pieces(self, text: str) -> List[int]:
        """The text's token ids, without [CLS] and [SEP]."""
        return list(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def question_first(self, text: str, limit: int = CLASSIFIER_TOKENS) -> List[int]:
        """Token ids for the classifier: the whole text when it fits, else its question
        sentences, then what comes before them, then after, cut at `limit`."""
        ids = self.word_pieces(text)
        if len(ids) <= limit - 2:
            return self._framed(ids)
        start, end = question_span(text)
        parts = (text[start:end], text[:start], text[end:])
        ordered = [i for part in parts if part.strip() for i in self.word_pieces(part)]
        return self._framed(ordered[: limit - 2])

    def story(self, text: str, limit: int = STORY_TOKENS) -> List[int]:
        """Token ids of the text's story part from its start, cut at `limit`."""
        return self._framed(self.word_pieces(story_part(text))[: limit - 2])

    def _framed(self, ids: List[int]) -> List[int]:
        return [self._cls, *ids, self._sep]

    def encode(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        """Unit-length vectors of token-id sequences (framed), one forward pass (for
        vectors that do not depend on each other, one sequence at a time:
        `encode_many`)."""
        if not batch:
            return np.zeros((0, DIMENSIONS), np.float32)
        width = max(len(ids) for ids in batch)
        input_ids = np.zeros((len(batch), width), np.int64)
        mask = np.zeros((len(batch), width), np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        (pooled,) = self._session.run(
            ["pooled"], {"input_ids": input_ids, "attention_mask": mask}
        )
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def embed(self, texts: Iterable[str]) -> np.ndarray:
        """Classifier readings of many texts."""
        return self.encode_many([self.question_first(t) for t in texts])

    def encode_many(self, ids: Sequence[Sequence[int]]) -> np.ndarray:
        """Vectors of many token-id sequences, one forward pass each. Not in batches:
        the int8 graph quantises its activations per call, over the whole batch, so a
        text's vector would depend on the texts beside it (cosine down to 0.94), and
        training vectors would differ from the ones the server computes for the same
        text, one message at a time."""
        out = np.zeros((len(ids), DIMENSIONS), np.float32)
        for row, sequence in enumerate(ids):
            out[row] = self.encode([sequence])[0]
        return out


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


@lru_cache(maxsize=2)
def shared(threads: int = 1) -> MiniLM:
    """One encoder per process (its session holds about 25 MB of weights)."""
    return MiniLM(threads=threads)


def readings(encoder: MiniLM, text: str) -> Tuple[np.ndarray, np.ndarray]:
    """(classifier reading, story reading) of one message; one forward pass when the
    two are the same tokens."""
    question, story = encoder.question_first(text), encoder.story(text)
    if question == story:
        vector = encoder.encode([question])[0]
        return vector, vector
    both = encoder.encode_many([question, story])
    return both[0], both[1]


def default_threads() -> int:
    return max(1, min(2, os.cpu_count() or 1))
