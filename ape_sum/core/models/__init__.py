"""Integer-exact Python mirrors of the classifier contracts.

`MODEL_TYPES` maps each model's file-format name (`kind`) to its mirror class.
"""

from __future__ import annotations

from ape_sum.core.fixedpoint import TO_FLOAT
from ape_sum.core.models.base import Classifier, ModelInputError
from ape_sum.core.models.naive_bayes import NaiveBayes
from ape_sum.core.models.nearest_centroid import NearestCentroid, SparseNearestCentroid
from ape_sum.core.models.perceptron import DensePerceptron, SparsePerceptron

MODEL_TYPES: dict[str, type[Classifier]] = {
    cls.kind: cls
    for cls in (
        SparsePerceptron,
        DensePerceptron,
        NaiveBayes,
        NearestCentroid,
        SparseNearestCentroid,
    )
}

__all__ = [
    "MODEL_TYPES",
    "TO_FLOAT",
    "Classifier",
    "DensePerceptron",
    "ModelInputError",
    "NaiveBayes",
    "NearestCentroid",
    "SparseNearestCentroid",
    "SparsePerceptron",
]
