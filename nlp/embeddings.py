"""Sentence embeddings from a static word-embedding model that ships inside a PyPI
package, loaded offline.

The model is WordLlama's "l2_supercat" 256-dimension token embeddings (MIT licence),
which come inside the `wordllama` wheel on PyPI. `make wordllama` downloads that wheel
(no install: its dependencies clash with Rasa's pins) and unpacks only the two files
used here into build/wordllama/. At run time nothing is downloaded: the tokenizer
(`tokenizers`) and the weights (`safetensors`) are read from that folder, and a
sentence is the normalised mean of its tokens' vectors (0.2 ms a message).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable, Tuple

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
MODEL_DIR = ROOT / "build" / "wordllama"
TOKENIZER = "l2_supercat_tokenizer_config.json"
WEIGHTS = "l2_supercat_256.safetensors"
SPECIAL_IDS = {0, 1, 2}  # <unk>, <s>, </s>


@lru_cache(maxsize=1)
def _model() -> Tuple[object, np.ndarray]:
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    if not (MODEL_DIR / WEIGHTS).exists():
        raise FileNotFoundError(
            f"{MODEL_DIR / WEIGHTS} is missing: run `make wordllama` (make run and "
            "make test do)"
        )
    tokenizer = Tokenizer.from_file(str(MODEL_DIR / TOKENIZER))
    weights = load_file(str(MODEL_DIR / WEIGHTS))["embedding.weight"].astype(np.float32)
    return tokenizer, weights


def embed(texts: Iterable[str]) -> np.ndarray:
    """One unit-length 256-dimension vector per text (zeros for an empty one)."""
    tokenizer, weights = _model()
    texts = list(texts)
    out = np.zeros((len(texts), weights.shape[1]), dtype=np.float32)
    for row, encoding in enumerate(tokenizer.encode_batch(texts)):  # type: ignore[attr-defined]
        ids = [i for i in encoding.ids if i not in SPECIAL_IDS]
        if ids:
            vector = weights[ids].mean(axis=0)
            out[row] = vector / (np.linalg.norm(vector) + 1e-9)
    return out


def unpack(wheel: Path, target: Path = MODEL_DIR) -> None:
    """`make wordllama`: copy the tokenizer, the weights and the licence out of the
    downloaded wheel (a zip file) into build/wordllama/."""
    import zipfile

    wanted = {
        f"wordllama/tokenizers/{TOKENIZER}": TOKENIZER,
        f"wordllama/weights/{WEIGHTS}": WEIGHTS,
    }
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for member, name in wanted.items():
            (target / name).write_bytes(archive.read(member))
        licence = next(n for n in names if n.endswith(".dist-info/LICENSE"))
        (target / "LICENSE").write_bytes(archive.read(licence))


if __name__ == "__main__":
    import sys

    unpack(Path(sys.argv[1]))
