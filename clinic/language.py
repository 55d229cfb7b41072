"""Build the spaCy pipeline that config.yml loads by path.

No trained English model exists for spaCy 3.4 on PyPI, and nothing may be downloaded
at run time, so the project builds its own: a blank English tokenizer, optionally
with the lookup lemmatizer from `spacy-lookups-data` (so "massages" and "massage",
"hurts" and "hurt" share features). Whether the lemmatizer earns its place was
measured on the held-out set when the pipeline was first chosen (docs/nlu.md).

Usage: python -m clinic.language OUTPUT_DIR [--no-lemmatizer]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import spacy
from spacy.language import Language

# Phones and blogs write "can’t", "I’m" and “quotes” (smart punctuation). spaCy's
# contractions and lemmas only know the plain forms ("n't" -> "not"), and the clinic's
# phrases are written plain, so text is read with these made plain first. Each is one
# character for one, so character offsets stay those of the patient's text.
TYPOGRAPHIC = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00a0": " ",
    }
)


def plain_punctuation(text: str) -> str:
    """`text` with typographic apostrophes, quotes and no-break spaces made plain."""
    return text.translate(TYPOGRAPHIC)


def build(with_lemmatizer: bool = True) -> Language:
    """Return a blank English pipeline, with the lookup lemmatizer if asked."""
    nlp = spacy.blank("en")
    if with_lemmatizer:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # initialize() loads the lemma tables from the installed spacy-lookups-data
    # package (a local file), so to_disk() stores them inside the pipeline.
    nlp.initialize()
    return nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--no-lemmatizer", action="store_true")
    args = parser.parse_args()
    nlp = build(with_lemmatizer=not args.no_lemmatizer)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_name(args.output.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.to_disk(tmp)
    shutil.rmtree(args.output, ignore_errors=True)
    tmp.rename(args.output)  # atomic: a half-written pipeline is never loaded
    print(
        f"spaCy pipeline {nlp.pipe_names or '[tokenizer only]'} written to "
        f"{args.output}"
    )


if __name__ == "__main__":
    main()
