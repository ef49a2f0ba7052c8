"""Mirrors of `SparsePerceptron` and `DensePerceptron` (binary, fixed point x 1e9)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from ape_sum.models.base import (
    MAX_I64,
    TO_FLOAT,
    Classifier,
    ModelInputError,
    chunks,
    trunc_div,
)


class _Perceptron(Classifier):
    default_chunk_size: ClassVar[int] = 500

    def __init__(
        self,
        classifications: Sequence[str],
        num_features: int,
        intercept: int,
        learning_rate: int,
        weights: Sequence[int] | None = None,
    ) -> None:
        super().__init__(classifications, num_features)
        if len(self.classifications) != 2:
            raise ModelInputError(
                "WrongNumberOfClasses", f"got {len(self.classifications)}, expected 2"
            )
        if learning_rate <= 0 or learning_rate > MAX_I64:
            raise ModelInputError("InvalidParameter", f"learningRate {learning_rate}")
        if not -(2**63) <= intercept <= MAX_I64:
            raise ModelInputError("InvalidParameter", f"intercept {intercept} does not fit int64")
        self.intercept = int(intercept)
        self.learning_rate = int(learning_rate)
        if weights is None:
            self.weights = [0] * self.num_features
        else:
            if len(weights) != self.num_features:
                raise ValueError(f"{len(weights)} weights for {self.num_features} features")
            for i, w in enumerate(weights):
                if not -MAX_I64 <= w <= MAX_I64:
                    raise ModelInputError("ValueOutOfRange", f"weight {i} = {w}")
            self.weights = [int(w) for w in weights]

    def constructor_args(self) -> list[Any]:
        return [list(self.classifications), self.num_features, self.intercept, self.learning_rate]

    def init_calls(self, chunk_size: int | None = None) -> list[tuple[str, list[Any]]]:
        size = chunk_size or self.default_chunk_size
        return [
            ("initializeWeights", [start, self.weights[start:stop]])
            for start, stop in chunks(self.num_features, size)
        ]

    def _margin(self, data: Sequence[int]) -> int:  # pragma: no cover - overridden
        raise NotImplementedError

    def predict(self, data: Sequence[int]) -> int:
        self.validate(data)
        return 1 if self._margin(data) > 0 else 0

    def update(self, data: Sequence[int], classification: int) -> None:
        self._check_class(classification)
        self.validate(data)
        if (1 if self._margin(data) > 0 else 0) == classification:
            return
        self._apply(data, 1 if classification == 1 else -1)

    def _apply(self, data: Sequence[int], sign: int) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class SparsePerceptron(_Perceptron):
    """`m = intercept + sum(w[i] for i in data)`; duplicates count once per occurrence."""

    kind: ClassVar[str] = "sparse perceptron"
    contract_name: ClassVar[str] = "SparsePerceptron"
    sparse: ClassVar[bool] = True

    def validate(self, data: Sequence[int]) -> None:
        self._check_sparse(data)

    def _margin(self, data: Sequence[int]) -> int:
        w = self.weights
        return self.intercept + sum(w[i] for i in data)

    def _apply(self, data: Sequence[int], sign: int) -> None:
        delta = sign * self.learning_rate
        new = dict[int, int]()
        w = self.weights
        for i in data:
            v = new.get(i, w[i]) + delta
            if not -MAX_I64 <= v <= MAX_I64:
                raise ModelInputError("ParameterOverflow", f"weight {i} would be {v}")
            new[i] = v
        for i, v in new.items():
            w[i] = v


class DensePerceptron(_Perceptron):
    """`m = intercept * 1e9 + sum(w_i * x_i)`; mistake: `w_i += sign * trunc(x_i * lr / 1e9)`."""

    kind: ClassVar[str] = "dense perceptron"
    contract_name: ClassVar[str] = "DensePerceptron"
    sparse: ClassVar[bool] = False

    def validate(self, data: Sequence[int]) -> None:
        self._check_dense(data)

    def _margin(self, data: Sequence[int]) -> int:
        return self.intercept * TO_FLOAT + sum(
            w * x for w, x in zip(self.weights, data, strict=True)
        )

    def _apply(self, data: Sequence[int], sign: int) -> None:
        lr = self.learning_rate
        new = []
        for i, (w, x) in enumerate(zip(self.weights, data, strict=True)):
            v = w + sign * trunc_div(x * lr, TO_FLOAT)
            if not -MAX_I64 <= v <= MAX_I64:
                raise ModelInputError("ParameterOverflow", f"weight {i} would be {v}")
            new.append(v)
        self.weights = new
