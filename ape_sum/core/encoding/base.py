"""The `Encoder` base class and what every encoder's spec shares.

Each encoder class declares its spec once: `spec_type` (the JSON `type`), `spec_required` and
`spec_optional` (its keys besides `v` and `type`), `legacy_name` (the original system's name, the
spec of its default form), `spec_fields()` (what `spec()` writes) and `from_spec` (what
`parse_encoder_spec` reads). `ape_sum.core.encoding.spec` builds the registry from the classes.
"""

from __future__ import annotations

import json
import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ape_sum.core.encoding.errors import EncodingError
from ape_sum.core.encoding.numeric import parse_numbers
from ape_sum.core.encoding.text import as_text

__all__ = [
    "MAX_DIM",
    "SPEC_DIGITS",
    "SPEC_VERSION",
    "Encoder",
    "SpecContext",
    "check_compatible",
    "check_int",
    "finite_list",
    "json_spec",
    "short_float",
]

MAX_DIM = 1_000_000
"""Largest dense dimension accepted in a spec (a sanity bound, far above what fits on chain)."""
SPEC_VERSION = 1
SPEC_DIGITS = 4
"""Significant digits kept for standardisation statistics in a spec (it is stored on chain)."""


@dataclass(frozen=True)
class SpecContext:
    """What `from_spec` may need besides the spec object."""

    base_dir: Path | None
    """Where relative vocabulary file names are resolved."""
    parse: Callable[[object], Encoder]
    """Rebuilds a nested spec (a `select` encoder's `then`)."""


class Encoder(ABC):
    """Turns one raw input into the `int64[]` a model takes.

    Attributes:
        sparse: True for index lists (sparse models), False for fixed-point vectors (dense
            models), None when the encoder passes integers through unchanged.
        num_features: dense dimension, or the exclusive upper bound of sparse indices (None
            when unknown).
        text_input: whether `raw` is a text (else a sequence of numbers).
    """

    sparse: bool | None = None
    num_features: int | None = None
    text_input: bool = False

    slow: ClassVar[bool] = False
    """Whether encoding takes long enough to cache per data set and show progress for."""
    spec_type: ClassVar[str]
    """The spec's `type`."""
    spec_required: ClassVar[frozenset[str]] = frozenset()
    spec_optional: ClassVar[frozenset[str]] = frozenset()
    legacy_name: ClassVar[str | None] = None
    """The original system's name for this encoder's default form (`spec_fields()` is None)."""

    @abstractmethod
    def encode(self, raw: Any) -> list[int]:
        """The model input for `raw`, or `EncodingError`."""

    @abstractmethod
    def spec_fields(self) -> dict[str, Any] | None:
        """The spec's keys besides `v` and `type`, in the order they are written; None to write
        `legacy_name` instead."""

    @classmethod
    @abstractmethod
    def from_spec(cls, obj: Mapping[str, Any], context: SpecContext) -> Encoder:
        """The encoder of spec object `obj` (its keys already checked against the class's)."""

    def spec(self) -> str:
        """The compact self-describing spec stored on chain (`parse_encoder_spec` inverts it)."""
        fields = self.spec_fields()
        if fields is None:
            if self.legacy_name is None:
                raise TypeError(f"{type(self).__name__} has no legacy name")
            return self.legacy_name
        return json_spec({"type": self.spec_type, **fields})

    def parse_input(self, text: str) -> Any:
        """Turn a CLI argument into the raw input `encode` takes."""
        if self.text_input:
            return as_text(text)
        return parse_numbers(text)

    def encode_text(self, text: str) -> list[int]:
        """`encode(parse_input(text))`."""
        return self.encode(self.parse_input(text))

    def encode_many(self, raws: Iterable[Any]) -> list[list[int]]:
        """`encode` applied to each input."""
        return [self.encode(raw) for raw in raws]

    def encode_samples(
        self,
        raws: Sequence[Any],
        *,
        dataset: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[list[int] | None]:
        """`encode` of each input of a data set, None where it is refused.

        `dataset` names the data set, for encoders that cache their outputs (embeddings);
        `progress(done, total)` is called as they go (slow encoders only).
        """
        out: list[list[int] | None] = []
        for raw in raws:
            try:
                out.append(self.encode(raw))
            except EncodingError:
                out.append(None)
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec()})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Encoder)
            and type(other) is type(self)
            and (other.spec() == self.spec())
        )

    def __hash__(self) -> int:
        return hash(self.spec())


def json_spec(obj: dict[str, Any]) -> str:
    """The stored form of a spec: compact JSON, `v` first (byte-identical across versions)."""
    return json.dumps({"v": SPEC_VERSION, **obj}, separators=(",", ":"), ensure_ascii=False)


def short_float(x: float) -> float | int:
    """`x` rounded to `SPEC_DIGITS` significant digits (an int when integral: shorter JSON)."""
    value = float(f"{float(x):.{SPEC_DIGITS}g}")
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise EncodingError(f"encoder spec: '{name}' must be an integer in [{low}, {high}]")
    return value


def finite_list(name: str, values: Sequence[float]) -> list[float]:
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise EncodingError(f"encoder spec: '{name}' must hold finite numbers, got {v!r}")
        out.append(float(v))
    return out


def check_compatible(encoder: Encoder, model: Any) -> None:
    """Raise `EncodingError` unless `encoder`'s output fits `model` (a classifier mirror with
    `sparse` and `num_features`)."""
    model_sparse = bool(getattr(model, "sparse", False))
    if encoder.sparse is not None and encoder.sparse != model_sparse:
        enc_kind = "sparse indices" if encoder.sparse else "dense vectors"
        model_kind = "sparse" if model_sparse else "dense"
        raise EncodingError(f"encoder produces {enc_kind} but the model is {model_kind}")
    n_model = getattr(model, "num_features", None)
    n_enc = encoder.num_features
    if n_model is None or n_enc is None:
        return
    if model_sparse and n_enc > n_model:
        raise EncodingError(
            f"encoder produces feature indices up to {n_enc - 1} but the model has {n_model}"
        )
    if not model_sparse and n_enc != n_model:
        raise EncodingError(f"encoder produces {n_enc} values but the model takes {n_model}")
