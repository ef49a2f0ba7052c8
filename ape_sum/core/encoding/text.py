"""Text inputs: UTF-8 checks and tokenisation (whitespace tokens, or words)."""

from __future__ import annotations

import re

from ape_sum.core.encoding.errors import EncodingError

__all__ = ["SPLIT_MODES", "TOKEN_WORD", "as_text", "check_split", "check_utf8", "tokenize"]

_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
SPLIT_MODES = ("whitespace", "words")
"""`whitespace`: the original system's tokens; `words`: runs of letters/digits (apostrophes
inside a word kept), which drops punctuation and helps accuracy."""


TOKEN_WORD = {"whitespace": "non-space characters", "words": "letters or digits"}


def check_utf8(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise EncodingError("input is not valid UTF-8 text") from None


def as_text(raw: object) -> str:
    if isinstance(raw, (bytes, bytearray, memoryview)):
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise EncodingError("input is not valid UTF-8 text") from None
    if not isinstance(raw, str):
        raise EncodingError(f"expected text, got {type(raw).__name__}")
    check_utf8(raw)
    if raw == "":
        raise EncodingError("empty text")
    return raw


def tokenize(text: str, split: str = "whitespace") -> list[str]:
    """Lowercase, then split on whitespace (the original system's tokenisation) or, with
    `split="words"`, take the runs of letters and digits."""
    low = text.lower()
    if split == "words":
        return _WORD_RE.findall(low)
    return low.split()


def check_split(split: object) -> str:
    if split not in SPLIT_MODES:
        raise EncodingError(f"encoder spec: 'split' must be one of {', '.join(SPLIT_MODES)}")
    return str(split)
