"""The common base of the integer-exact classifier mirrors.

Every mirror reproduces its contract bit for bit: the same integers, the same truncations, the same
reverts. `validate` raises `ModelInputError` exactly when the contract would revert on that input,
and the message starts with the contract's custom error name.
"""

from __future__ import annotations

import abc
import copy as _copy
from collections.abc import Sequence
from typing import Any, ClassVar

TO_FLOAT = 1_000_000_000
UNIT_NORM_SQ = TO_FLOAT * TO_FLOAT
NORM_TOLERANCE = 100_000_000_000
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
#: Largest magnitude a packed int64 parameter may hold (int64.min is never stored).
MAX_I64 = INT64_MAX


class ModelInputError(ValueError):
    """An input (or update) the contract would reject; the message starts with the error name."""

    def __init__(self, error: str, detail: str = "") -> None:
        self.error = error
        super().__init__(f"{error}: {detail}" if detail else error)


def trunc_div(a: int, b: int) -> int:
    """Integer division truncating toward zero, like Solidity's `/` on signed integers."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def check_int64(values: Sequence[int]) -> None:
    for v in values:
        if not INT64_MIN <= v <= INT64_MAX:
            raise ModelInputError("ValueNotInt64", f"{v} does not fit int64")


def pack_lanes(values: Sequence[int], lanes: int, bits: int, encode: Any) -> list[int]:
    """Slot words of `values` packed `lanes` per slot, `bits` each, lane `l` at bit `bits * l`;
    `encode(v)` gives a lane's stored bits (offset applied). The last slot's unused lanes hold
    `encode(0)`."""
    mask = (1 << bits) - 1
    words = []
    for start in range(0, len(values), lanes):
        group = list(values[start : start + lanes])
        group += [0] * (lanes - len(group))
        word = 0
        for lane, v in enumerate(group):
            word |= (encode(v) & mask) << (bits * lane)
        words.append(word)
    return words


def packed_calls(
    words: Sequence[int], slots_per_call: int, skip_zero: bool
) -> list[tuple[str, list[Any]]]:
    """`initializePacked(startSlot, words)` calls covering `words`, at most `slots_per_call`
    words each. With `skip_zero`, the word 0 stands for a slot left unwritten (it reads as all
    zeros): runs of them are left out of the calls, and a call never starts or ends with one."""
    if slots_per_call <= 0:
        raise ValueError("chunk_size must be positive")
    calls: list[tuple[str, list[Any]]] = []
    i, n = 0, len(words)
    while i < n:
        if skip_zero and words[i] == 0:
            i += 1
            continue
        stop = min(i + slots_per_call, n)
        if skip_zero:
            while words[stop - 1] == 0:
                stop -= 1
        calls.append(("initializePacked", [i, list(words[i:stop])]))
        i = stop
    return calls


def slots_per_call(chunk_size: int | None, default_chunk_size: int, lanes: int) -> int:
    """Slots per initialiser call for a chunk size given in values (at least one slot)."""
    size = chunk_size or default_chunk_size
    if size <= 0:
        raise ValueError("chunk_size must be positive")
    return max(1, size // lanes)


def chunks(size: int, chunk_size: int) -> list[tuple[int, int]]:
    """`(start, stop)` pairs covering `range(size)`; a zero-size array still gets no chunk."""
    if chunk_size <= 0:
        raise ValueError("chunk_size must be positive")
    return [(s, min(s + chunk_size, size)) for s in range(0, size, chunk_size)]


class Classifier(abc.ABC):
    """An integer-exact mirror of one of the classifier contracts."""

    kind: ClassVar[str]
    contract_name: ClassVar[str]
    sparse: ClassVar[bool]
    #: Default number of values per initialiser transaction.
    default_chunk_size: ClassVar[int]

    classifications: list[str]
    num_features: int

    def __init__(self, classifications: Sequence[str], num_features: int) -> None:
        if not classifications:
            raise ModelInputError("WrongNumberOfClasses", "at least one class is needed")
        if num_features < 0:
            raise ValueError("num_features must be non-negative")
        self.classifications = list(classifications)
        self.num_features = int(num_features)

    @property
    def num_classes(self) -> int:
        return len(self.classifications)

    # ---- input checks shared by the models ----

    def _check_class(self, classification: int) -> None:
        if not 0 <= classification < self.num_classes:
            raise ModelInputError(
                "UnknownClass", f"class {classification} not in [0, {self.num_classes})"
            )

    def _check_sparse(self, data: Sequence[int]) -> None:
        n = self.num_features
        for i in data:
            if not 0 <= i < n:
                raise ModelInputError("IndexOutOfRange", f"index {i} not in [0, {n})")
        check_int64(data)

    def _check_dense(self, data: Sequence[int]) -> None:
        if len(data) != self.num_features:
            raise ModelInputError(
                "WrongDimension", f"got {len(data)} values, expected {self.num_features}"
            )
        check_int64(data)
        s = sum(v * v for v in data)
        if abs(s - UNIT_NORM_SQ) >= NORM_TOLERANCE:
            raise ModelInputError("NotNormalized", f"sum of squares {s} is not within 1e11 of 1e18")

    # ---- public API ----

    @abc.abstractmethod
    def validate(self, data: Sequence[int]) -> None:
        """Raise `ModelInputError` exactly when the contract would revert on `predict(data)`."""

    @abc.abstractmethod
    def predict(self, data: Sequence[int]) -> int:
        """The class the contract predicts for `data` (validates first)."""

    @abc.abstractmethod
    def update(self, data: Sequence[int], classification: int) -> None:
        """Train on one sample exactly like the contract's `update` (validates first; atomic)."""

    def copy(self) -> Classifier:
        return _copy.deepcopy(self)

    @abc.abstractmethod
    def constructor_args(self) -> list[Any]:
        """Arguments for `ContractContainer.deploy(*args)`."""

    @abc.abstractmethod
    def init_calls(self, chunk_size: int | None = None) -> list[tuple[str, list[Any]]]:
        """`(method, args)` initialiser calls, in order, to send before `setTrainer(trainer)`.

        `chunk_size` is in values per call (rounded down to whole slots, at least one). Dense
        models write every slot (zeros included) so that no later update pays for a zero to
        non-zero storage write; sparse models (naive Bayes, sparse perceptron) leave all-zero
        slots unwritten, which reads the same and is cheaper overall (see docs/MODELS.md).
        """
