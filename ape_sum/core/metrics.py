"""How well a model does on labelled data: the one accuracy computation (training, simulation,
demo and `ape sum predict` all use it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Score", "accuracy", "score"]


@dataclass(frozen=True)
class Score:
    """`correct` predictions out of `total` labelled samples."""

    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        """`correct / total`, 0.0 when there are no samples."""
        return self.correct / self.total if self.total else 0.0


def score(predictions: Iterable[int], labels: Iterable[int]) -> Score:
    """Count the predictions equal to their labels (both sequences have the same length)."""
    correct = total = 0
    for predicted, label in zip(predictions, labels, strict=True):
        total += 1
        correct += int(predicted) == int(label)
    return Score(correct, total)


def accuracy(predictions: Iterable[int], labels: Iterable[int]) -> float:
    """The fraction of `predictions` equal to `labels` (0.0 for none)."""
    return score(predictions, labels).accuracy
