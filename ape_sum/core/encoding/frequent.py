"""The research's text features: binary presence over the N most frequent words of a corpus.

The original IMDB experiment used a bag of the 1,000 most frequent words (Keras' `num_words`).
Fitted on the training pool only, the vocabulary is a `VocabularyEncoder`: inline in the spec when
small, else a one-token-a-line file named by (and checked against) its SHA-256, so anyone holding
the file reproduces the integers exactly.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ape_sum.core.encoding.errors import EncodingError
from ape_sum.core.encoding.text import check_split, tokenize
from ape_sum.core.encoding.vocabulary import VocabularyEncoder

__all__ = [
    "DEFAULT_VOCABULARY_SIZE",
    "INLINE_VOCABULARY_LIMIT",
    "fit_frequent_words",
    "frequent_words",
    "vocabulary_file_bytes",
    "write_vocabulary_file",
]

DEFAULT_VOCABULARY_SIZE = 1000
"""The research's `num_words`."""
INLINE_VOCABULARY_LIMIT = 64
"""Vocabularies up to this size go inline in the spec (it is stored on chain); larger ones are a
file pinned by hash."""


def frequent_words(texts: Iterable[str], size: int, split: str = "words") -> list[str]:
    """The `size` most frequent tokens of `texts` (occurrences counted, as Keras' tokenizer does);
    ties broken alphabetically so that the list depends on the texts only."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise EncodingError(f"vocabulary size must be a positive integer, got {size!r}")
    split = check_split(split)
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(tokenize(text, split))
    if not counts:
        raise EncodingError("no tokens in the texts: cannot fit a vocabulary")
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [token for token, _ in ranked[:size]]


def vocabulary_file_bytes(tokens: Iterable[str]) -> bytes:
    """The vocabulary file: one token a line (index = line number), UTF-8, final newline."""
    return "".join(f"{t}\n" for t in tokens).encode("utf-8")


def fit_frequent_words(
    texts: Iterable[str], size: int = DEFAULT_VOCABULARY_SIZE, split: str = "words"
) -> VocabularyEncoder:
    """Binary presence over the `size` most frequent words of `texts` (the training pool)."""
    tokens = frequent_words(texts, size, split)
    if len(tokens) <= INLINE_VOCABULARY_LIMIT:
        return VocabularyEncoder(tokens, split=split)
    digest = hashlib.sha256(vocabulary_file_bytes(tokens)).hexdigest()[:16]
    return VocabularyEncoder(tokens, file=f"vocab-{digest}.txt", sha256=digest, split=split)


def write_vocabulary_file(encoder: object, directory: str | Path) -> Path | None:
    """Write the file a fitted vocabulary's spec names into `directory` (None when the spec is
    inline or names no file this encoder holds); the bytes hash to the spec's `sha256`."""
    if not isinstance(encoder, VocabularyEncoder) or encoder.file is None:
        return None
    by_index = sorted(encoder.vocab.items(), key=lambda item: item[1])
    body = vocabulary_file_bytes(token for token, _ in by_index)
    if encoder.sha256 and not hashlib.sha256(body).hexdigest().startswith(encoder.sha256):
        return None  # loaded from another file format: that file is the one to ship
    path = Path(directory) / encoder.file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path
