"""Integer-exact Python mirrors of the classifier contracts, and the registry of model kinds.

Each kind is one `Classifier` subclass that carries its names (model-file `kind`, CLI `alias`,
older `file_aliases`), its contract, its defaults and its model-file fields. `MODEL_KINDS` lists
them; `model_kind(name)` finds one by any of its names.
"""

from __future__ import annotations

from ape_sum.core.fixedpoint import TO_FLOAT
from ape_sum.core.models.base import Classifier, ModelInputError, ModelKindError
from ape_sum.core.models.naive_bayes import NaiveBayes
from ape_sum.core.models.nearest_centroid import NearestCentroid, SparseNearestCentroid
from ape_sum.core.models.perceptron import DensePerceptron, SparsePerceptron

MODEL_KINDS: tuple[type[Classifier], ...] = (
    SparsePerceptron,
    DensePerceptron,
    NaiveBayes,
    NearestCentroid,
    SparseNearestCentroid,
)
"""Every classifier kind, in the order the CLI lists them."""

MODEL_TYPES: dict[str, type[Classifier]] = {cls.kind: cls for cls in MODEL_KINDS}
"""Model-file name (`kind`) -> mirror class."""


def _key(name: str) -> str:
    """`name` as the registry compares it: lower case, `-`, `_` and runs of spaces as one space."""
    return " ".join(name.replace("-", " ").replace("_", " ").lower().split())


_BY_NAME: dict[str, type[Classifier]] = {
    _key(name): cls for cls in MODEL_KINDS for name in cls.names()
}


def model_kind(name: str | type[Classifier]) -> type[Classifier]:
    """The mirror class for any accepted spelling of a model's name: its model-file name
    (`sparse perceptron`), its CLI alias (`sparse-perceptron`) or an older file name, in any case,
    with `-`, `_` and spaces alike. `ModelKindError` lists the valid names."""
    if isinstance(name, type) and issubclass(name, Classifier):
        return name
    cls = _BY_NAME.get(_key(str(name)))
    if cls is None:
        valid = ", ".join(c.alias for c in MODEL_KINDS)
        raise ModelKindError(f"unknown model type {name!r}: expected one of {valid}")
    return cls


def default_model_kind(dataset_kind: str) -> type[Classifier]:
    """The model trained when none is named: a sparse perceptron for text, else a dense one."""
    return SparsePerceptron if dataset_kind == "text" else DensePerceptron


__all__ = [
    "MODEL_KINDS",
    "MODEL_TYPES",
    "TO_FLOAT",
    "Classifier",
    "DensePerceptron",
    "ModelInputError",
    "ModelKindError",
    "NaiveBayes",
    "NearestCentroid",
    "SparseNearestCentroid",
    "SparsePerceptron",
    "default_model_kind",
    "model_kind",
]
