"""Data for a run: load, split (held-out test / initial training / contribution stream), encode,
and build the initial model and the baseline (the same model trained on all training data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ape_sum.simulation.config import Scenario, SimulationError

Sample = tuple[list[int], int]


@dataclass
class PreparedData:
    dataset: str
    kind: str
    class_names: list[str]
    model_kind: str
    encoder: Any
    init: list[Sample]
    stream: list[Sample]
    test: list[Sample]
    dropped: int
    """Samples the encoder could not encode (for example texts without a token)."""

    @property
    def encoder_spec(self) -> str:
        return self.encoder.spec()


def model_kinds() -> list[str]:
    from ape_sum.core.models import MODEL_KINDS

    return [cls.kind for cls in MODEL_KINDS]


def _check_compatible(kind: str, dataset_kind: str, sparse: bool, encoder: Any) -> None:
    if encoder is not None:
        if encoder.text_input != (dataset_kind == "text"):
            wants = "text" if encoder.text_input else "numbers"
            raise SimulationError(f"the encoder takes {wants}, but this data set is {dataset_kind}")
        if encoder.sparse is not None and encoder.sparse != sparse:
            makes = "sparse indices" if encoder.sparse else "dense vectors"
            raise SimulationError(f"the encoder makes {makes}, which the {kind} does not take")
        return
    if dataset_kind == "text" and not sparse:
        raise SimulationError(
            f"the {kind} takes dense vectors but this data set is text: "
            "use a sparse model (sparse perceptron, naive bayes, sparse nearest centroid) "
            "or a dense encoder (--encoder embedding)"
        )
    if dataset_kind == "dense" and sparse:
        raise SimulationError(
            f"the {kind} takes sparse feature indices but this data set is dense: "
            "use a dense model (dense perceptron, nearest centroid classifier)"
        )


_CACHE: dict[tuple[Any, ...], tuple[PreparedData, Any, float]] = {}
"""Prepared built-in data sets, per process (training the baseline takes seconds)."""


def prepare(scenario: Scenario) -> tuple[PreparedData, Any, float]:
    """`_prepare`, memoised for the built-in data sets (callers copy the model before use)."""
    from ape_sum.core.datasets import BUILTIN_DATASETS

    key = (
        scenario.dataset, scenario.model, scenario.test_fraction, scenario.initial_fraction,
        scenario.seed, scenario.text_features, scenario.vocabulary, scenario.encoder,
    )  # fmt: skip
    if scenario.dataset not in BUILTIN_DATASETS:
        return _prepare(scenario)
    if key not in _CACHE:
        _CACHE[key] = _prepare(scenario)
    return _CACHE[key]


def _prepare(scenario: Scenario) -> tuple[PreparedData, Any, float]:
    """The prepared data, the initial model and the baseline accuracy.

    * held-out test set: `test_fraction` of the data set (stratified, by seed);
    * encoder: for sparse models on text with a `vocabulary`, the most frequent words of the
      training pool (initial part and stream; never the held-out set), shared by both models;
    * initial model: `train_model` on `initial_fraction` of the rest (what the owner deploys);
    * contribution stream: the other training samples, in the split's shuffled order;
    * baseline: `train_model` on all training data, scored on the same held-out test set
      (`train_model` uses the same deterministic split function, so the parts are identical).
    """
    from ape_sum.core.datasets import DatasetError, load_dataset, train_test_split
    from ape_sum.core.encoding import EncodingError, encoder_from_option
    from ape_sum.core.models import ModelKindError, default_model_kind, model_kind
    from ape_sum.core.models.training import (
        TrainingError,
        default_encoder,
        encode_dataset,
        train_model,
    )

    scenario.validate()
    try:
        dataset = load_dataset(scenario.dataset)
        pool, test = train_test_split(dataset, 1.0 - scenario.test_fraction, seed=scenario.seed)
        init, stream = train_test_split(pool, scenario.initial_fraction, seed=scenario.seed)
    except DatasetError as err:
        raise SimulationError(str(err)) from None
    try:
        cls = model_kind(scenario.model or default_model_kind(dataset.kind))
    except ModelKindError as err:
        raise SimulationError(str(err)) from None
    kind = cls.kind
    chosen = None
    if scenario.encoder is not None:
        try:
            chosen = encoder_from_option(scenario.encoder)
        except EncodingError as err:
            raise SimulationError(f"encoder: {err}") from None
    _check_compatible(kind, dataset.kind, cls.sparse, chosen)
    options: dict[str, Any] = {"seed": scenario.seed, "encoder": chosen}
    if dataset.kind == "text" and scenario.text_features is not None:
        options["buckets"] = scenario.text_features
    if chosen is None and dataset.kind == "text" and cls.sparse and scenario.vocabulary is not None:
        try:
            options["encoder"] = default_encoder(kind, pool, vocabulary=scenario.vocabulary)
        except TrainingError as err:
            raise SimulationError(f"{dataset.name}: {err}") from None
    try:
        initial = train_model(kind, pool, train_fraction=scenario.initial_fraction, **options)
        baseline = train_model(
            kind, dataset, train_fraction=1.0 - scenario.test_fraction, **options
        )
    except (TrainingError, DatasetError) as err:
        raise SimulationError(f"cannot train a {kind} on {dataset.name}: {err}") from None
    encoder = initial.encoder

    def encode(part: Any) -> tuple[list[Sample], int]:
        vectors, labels, skipped = encode_dataset(encoder, part)
        return [(v, int(y)) for v, y in zip(vectors, labels.tolist(), strict=True)], skipped

    (init_s, d1), (stream_s, d2), (test_s, d3) = encode(init), encode(stream), encode(test)
    prepared = PreparedData(
        dataset=dataset.name,
        kind=dataset.kind,
        class_names=list(dataset.class_names),
        model_kind=kind,
        encoder=encoder,
        init=init_s,
        stream=stream_s,
        test=test_s,
        dropped=d1 + d2 + d3,
    )
    if not prepared.stream or not prepared.test:
        raise SimulationError(f"{dataset.name}: too few samples for a simulation")
    return prepared, initial.model, baseline.accuracy
