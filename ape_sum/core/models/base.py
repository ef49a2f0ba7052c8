"""The common base of the integer-exact classifier mirrors.

Every mirror reproduces its contract bit for bit: the same integers, the same truncations, the same
reverts. `validate` raises `ModelInputError` exactly when the contract would revert on that input,
and the message starts with the contract's custom error name.
"""

from __future__ import annotations

import abc
import copy as _copy
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ape_sum.exceptions import SumError

if TYPE_CHECKING:
    from ape_sum.core.encoding import Encoder

from ape_sum.core.fixedpoint import NORM_TOLERANCE, UNIT_NORM_SQ, fits_int64


class ModelKindError(SumError, ValueError):
    """A model name that is no known kind; the message lists the valid names."""


class ModelInputError(SumError, ValueError):
    """An input (or update) the contract would reject; the message starts with the error name."""

    def __init__(self, error: str, detail: str = "") -> None:
        self.error = error
        super().__init__(f"{error}: {detail}" if detail else error)


#: Most features one sparse input may list when a model file does not say (the seed's formats,
#: models built in code): every index once, capped so that one contribution stays small and its
#: claims cheap. Training picks the bound from the data instead (`max_input_features_for`).
DEFAULT_MAX_INPUT_FEATURES = 1024
#: Training's bound on input length: the longest training input times this, ...
MAX_INPUT_HEADROOM = 2
#: ... and at least this many features.
MIN_MAX_INPUT_FEATURES = 64


def max_input_features_for(longest: int, num_features: int) -> int:
    """The deploy-time bound on a sparse input's length chosen from the training data: the longest
    training input with headroom (`MAX_INPUT_HEADROOM` times, at least `MIN_MAX_INPUT_FEATURES`),
    never more than `num_features` (sorted unique indices cannot be more)."""
    return min(num_features, max(MIN_MAX_INPUT_FEATURES, MAX_INPUT_HEADROOM * longest))


def check_int64(values: Sequence[int]) -> None:
    for v in values:
        if not fits_int64(v):
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
    """An integer-exact mirror of one of the classifier contracts, and everything ape-sum knows
    about that kind of model: its names, its contract, its defaults and its model-file fields.

    The registry (`ape_sum.core.models.MODEL_KINDS`, `model_kind(name)`) lists the subclasses;
    adding a classifier means adding one subclass (and its contract), nothing else.
    """

    #: The model-file format's name (the file's `type`), e.g. `"sparse perceptron"`.
    kind: ClassVar[str]
    #: The name on the command line, e.g. `sparse-perceptron`.
    alias: ClassVar[str]
    #: Other spellings of `type` accepted in model files (the original system's).
    file_aliases: ClassVar[tuple[str, ...]] = ()
    contract_name: ClassVar[str]
    sparse: ClassVar[bool]
    #: Default number of values per initialiser transaction.
    default_chunk_size: ClassVar[int]
    #: Hash buckets of the default text encoder (sparse models; None: not for text).
    default_buckets: ClassVar[int | None] = None
    #: Whether `update` changes nothing when the model already predicts the label.
    noop_when_right: ClassVar[bool] = False

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every name this kind is known by (the registry matches them loosely)."""
        return (cls.kind, cls.alias, *cls.file_aliases)

    classifications: list[str]
    num_features: int
    #: Most features one input may list (the contract's immutable `maxInputFeatures`): the
    #: dimension for dense models, a deploy-time choice for sparse ones.
    max_input_features: int

    def __init__(
        self,
        classifications: Sequence[str],
        num_features: int,
        max_input_features: int | None = None,
    ) -> None:
        if not classifications:
            raise ModelInputError("WrongNumberOfClasses", "at least one class is needed")
        if num_features < 0:
            raise ValueError("num_features must be non-negative")
        self.classifications = list(classifications)
        self.num_features = int(num_features)
        if max_input_features is None:
            max_input_features = (
                min(self.num_features, DEFAULT_MAX_INPUT_FEATURES)
                if self.sparse
                else self.num_features
            )
            self.max_input_features = max_input_features
        else:
            self.set_max_input_features(max_input_features)

    def set_max_input_features(self, value: int) -> None:
        """Set the bound on an input's length: `[1, num_features]` for sparse models, exactly
        `num_features` for dense ones (`InvalidParameter`, as the contract's constructor)."""
        value = int(value)
        ok = 1 <= value <= self.num_features if self.sparse else value == self.num_features
        if not ok:
            raise ModelInputError(
                "InvalidParameter",
                f"maxInputFeatures {value} (must be in [1, {self.num_features}]"
                + ("" if self.sparse else ", the dimension, for a dense model")
                + ")",
            )
        self.max_input_features = value

    def check_max_input_features(self) -> None:
        """Raise `InvalidParameter` unless the contract's constructor accepts the bound."""
        if not 1 <= self.max_input_features <= self.num_features:
            raise ModelInputError("InvalidParameter", f"maxInputFeatures {self.max_input_features}")

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
        """The contract's `_checkSparse`: at least one and at most `max_input_features` indices,
        each an int64 in `[0, num_features)` above the one before (the first bad one reported)."""
        if not data:
            raise ModelInputError("EmptyInput", "an input must list at least one feature")
        if len(data) > self.max_input_features:
            raise ModelInputError(
                "TooManyFeatures",
                f"{len(data)} features listed, at most {self.max_input_features}",
            )
        n = self.num_features
        prev = -1
        for j, i in enumerate(data):
            if not fits_int64(i):
                raise ModelInputError("ValueNotInt64", f"{i} does not fit int64")
            if not 0 <= i < n:
                raise ModelInputError("IndexOutOfRange", f"index {i} not in [0, {n})")
            if i <= prev:
                raise ModelInputError(
                    "NotSortedUnique", f"index {i} at position {j} does not follow {prev}"
                )
            prev = i

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

    # ---- model files (the envelope, `type` and `encoder`, is `ape_sum.core.models.files`) ----

    @classmethod
    @abc.abstractmethod
    def from_file(
        cls, obj: Mapping[str, Any], encoder: Encoder | None
    ) -> tuple[Classifier, Encoder | None]:
        """The model described by a parsed model file's fields, and its encoder: `encoder` (from
        the file's spec), or the selection the fields imply around it. Raises `ModelFileError`."""

    @abc.abstractmethod
    def to_file(self) -> dict[str, Any]:
        """This model's model-file fields (real numbers as exact `Decimal`s), without `type`."""

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
