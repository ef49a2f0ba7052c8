"""Vocabularies: token -> index tables (inline, or a file pinned by its SHA-256) and the encoder
of text to the indices of known tokens."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from ape_sum.core.encoding.base import Encoder, SpecContext
from ape_sum.core.encoding.errors import EncodingError
from ape_sum.core.encoding.text import TOKEN_WORD, as_text, check_split, tokenize
from ape_sum.core.fixedpoint import INT64_MAX

__all__ = ["VocabularyEncoder", "load_vocabulary"]


def load_vocabulary(path: str | Path) -> dict[str, int]:
    """A vocabulary file: JSON `{token: index}` or `[token, ...]`, or text with one token a line
    (index = line number). Tokens are lowercased; the first occurrence wins."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise EncodingError(f"cannot read vocabulary file {str(p)!r}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise EncodingError(f"vocabulary file {str(p)!r} is not UTF-8") from None
    if p.suffix.lower() == ".json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EncodingError(f"vocabulary file {str(p)!r} is not valid JSON: {exc}") from None
        return vocab_from_obj(obj, f"vocabulary file {str(p)!r}")
    tokens = [line.strip() for line in text.splitlines()]
    return vocab_from_obj(tokens, f"vocabulary file {str(p)!r}")


def vocab_from_obj(obj: object, where: str) -> dict[str, int]:
    vocab: dict[str, int] = {}
    if isinstance(obj, list):
        items: Iterable[tuple[object, object]] = ((t, i) for i, t in enumerate(obj))
    elif isinstance(obj, dict):
        items = obj.items()
    else:
        raise EncodingError(f"{where}: expected a token list or a token -> index object")
    for token, index in items:
        if not isinstance(token, str):
            raise EncodingError(f"{where}: token {token!r} is not a string")
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise EncodingError(f"{where}: index of {token!r} must be a non-negative integer")
        if index > INT64_MAX:
            raise EncodingError(f"{where}: index of {token!r} does not fit int64")
        key = token.lower()
        if key and not key.isspace():
            vocab.setdefault(key, index)
    if not vocab:
        raise EncodingError(f"{where}: the vocabulary is empty")
    return vocab


class VocabularyEncoder(Encoder):
    """Text to the indices of known tokens (lowercase whitespace tokens; unknown ones dropped).

    The vocabulary is either inline (`tokens`, index = position; only for small ones) or a file
    named in the spec with the first 16 hex digits of its SHA-256, checked on load.
    """

    sparse = True
    text_input = True
    spec_type: ClassVar[str] = "vocab"
    spec_optional: ClassVar[frozenset[str]] = frozenset({"tokens", "file", "sha256", "split"})

    def __init__(
        self,
        vocabulary: Mapping[str, int] | Sequence[str],
        *,
        file: str | None = None,
        sha256: str | None = None,
        split: str = "whitespace",
    ) -> None:
        self.split = check_split(split)
        if isinstance(vocabulary, Mapping):
            self.vocab = vocab_from_obj(dict(vocabulary), "vocabulary")
            self._inline: list[str] | None = None
        else:
            self.vocab = vocab_from_obj(list(vocabulary), "vocabulary")
            self._inline = [str(t) for t in vocabulary]
        self.file = file
        self.sha256 = sha256
        self.num_features = max(self.vocab.values()) + 1

    @classmethod
    def from_file(
        cls, path: str | Path, *, name: str | None = None, split: str = "whitespace"
    ) -> VocabularyEncoder:
        """An encoder for vocabulary file `path`; the spec names it `name` (default: `path`)."""
        vocab = load_vocabulary(path)
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
        return cls(vocab, file=name or str(path), sha256=digest, split=split)

    def encode(self, raw: Any) -> list[int]:
        tokens = tokenize(as_text(raw), self.split)
        if not tokens:
            raise EncodingError(f"no tokens: the text has no {TOKEN_WORD[self.split]}")
        indices = {self.vocab[t] for t in tokens if t in self.vocab}
        if not indices:
            raise EncodingError("no known tokens: none of the words is in the vocabulary")
        return sorted(indices)

    def spec_fields(self) -> dict[str, Any] | None:
        if self.file is not None:
            obj: dict[str, Any] = {"file": self.file}
            if self.sha256:
                obj["sha256"] = self.sha256
            return self._with_split(obj)
        tokens = self._inline
        if tokens is None:
            by_index: dict[int, str] = {}
            for token, index in self.vocab.items():
                by_index.setdefault(index, token)
            if sorted(by_index) != list(range(len(by_index))):
                raise EncodingError("an inline vocabulary must have indices 0..n-1; use a file")
            tokens = [by_index[i] for i in range(len(by_index))]
        return self._with_split({"tokens": tokens})

    @classmethod
    def from_spec(cls, obj: Mapping[str, Any], context: SpecContext) -> Encoder:
        tokens, file = obj.get("tokens"), obj.get("file")
        if (tokens is None) == (file is None):
            raise EncodingError("vocab encoder spec: give exactly one of 'tokens' and 'file'")
        if tokens is not None:
            if not isinstance(tokens, list):
                raise EncodingError("vocab encoder spec: 'tokens' must be a list of strings")
            return cls(tokens, split=obj.get("split", "whitespace"))
        if not isinstance(file, str) or not file:
            raise EncodingError("vocab encoder spec: 'file' must be a file name")
        path = Path(file)
        if context.base_dir is not None and not path.is_absolute():
            path = Path(context.base_dir) / path
        expected = obj.get("sha256")
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise EncodingError(
                f"cannot read vocabulary file {str(path)!r}: {exc.strerror}"
            ) from None
        if expected is not None:
            if not isinstance(expected, str) or not expected:
                raise EncodingError("vocab encoder spec: 'sha256' must be a hex string")
            if not digest.startswith(expected.lower()):
                raise EncodingError(
                    f"vocabulary file {str(path)!r} does not match the spec's sha256 {expected}"
                )
        split = obj.get("split", "whitespace")
        return cls(load_vocabulary(path), file=file, sha256=expected, split=split)

    def _with_split(self, obj: dict[str, Any]) -> dict[str, Any]:
        if self.split != "whitespace":
            obj["split"] = self.split
        return obj
