"""Model files: the original research system's JSON formats, loaded into the integer mirrors.

A file is one JSON object with a `type` and that type's fields (see `docs/ENCODING.md`). Real
numbers are plain decimals in the file and `round(x * 1e9)` on chain; numbers are read as exact
decimals and written exactly, so a model saved and loaded again is bit for bit the same.

Our additions to the format, all optional: `encoder` (the encoder spec, see
`ape_sum.core.encoding`), `numFeatures` (sparse models: the exclusive bound of the feature indices).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any

from ape_sum.core.encoding import (
    DenseL2Encoder,
    Encoder,
    EncodingError,
    IndicesEncoder,
    SelectEncoder,
    check_compatible,
    parse_encoder_spec,
)
from ape_sum.core.fixedpoint import INT64_MAX, INT64_MIN, TO_FLOAT
from ape_sum.core.models.base import Classifier, ModelInputError

__all__ = [
    "DEFAULT_LEARNING_RATE",
    "DEFAULT_SMOOTHING_FACTOR",
    "MAX_SPARSE_FEATURES",
    "MODEL_FILE_TYPES",
    "ModelFileError",
    "dumps_model",
    "load_model_file",
    "model_from_dict",
    "model_to_dict",
    "save_model_file",
]

MODEL_FILE_TYPES = (
    "sparse perceptron",
    "dense perceptron",
    "naive bayes",
    "nearest centroid classifier",
    "sparse nearest centroid classifier",
)
TYPE_ALIASES = {
    "perceptron": "dense perceptron",
    "dense nearest centroid classifier": "nearest centroid classifier",
}
DEFAULT_LEARNING_RATE = Decimal("0.5")
"""The original deployer's default learning rate for perceptrons."""
DEFAULT_SMOOTHING_FACTOR = Decimal(1)
"""Laplace smoothing, the original deployer's default."""
MAX_SPARSE_FEATURES = 1 << 16
"""Sparse models whose index space is larger than this (e.g. the original's unbucketed
`MurmurHash3`, 2^32 indices) are compacted to the features that have parameters (see docs)."""


class ModelFileError(ValueError):
    """A model file that cannot be loaded or saved; the message says why in one line."""


# --------------------------------------------------------------------------- value helpers


def _fixed(value: object, where: str) -> int:
    """A real number from the file (int or exact Decimal) as fixed point, int64-checked."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
        raise ModelFileError(f"{where}: expected a number, got {_show(value)}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ModelFileError(f"{where}: not finite: {value}")
        value = Decimal(repr(value))
    if isinstance(value, Decimal) and not value.is_finite():
        raise ModelFileError(f"{where}: not finite: {value}")
    scaled = Decimal(value) * TO_FLOAT
    result = int(scaled.to_integral_value(rounding=ROUND_HALF_EVEN))
    if not INT64_MIN < result <= INT64_MAX:
        raise ModelFileError(f"{where}: {value} is too large (x1e9 must fit int64)")
    return result


def _int(value: object, where: str, low: int = 0, high: int = INT64_MAX) -> int:
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelFileError(f"{where}: expected an integer, got {_show(value)}")
    if not low <= value <= high:
        raise ModelFileError(f"{where}: {value} is out of range [{low}, {high}]")
    return value


def _show(value: object) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, Decimal) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _field(obj: Mapping[str, Any], key: str, kind: str) -> Any:
    if key not in obj or obj[key] is None:
        raise ModelFileError(f"{kind} model: missing field '{key}'")
    return obj[key]


def _or(obj: Mapping[str, Any], key: str, default: Any) -> Any:
    value = obj.get(key)
    return default if value is None else value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ModelFileError(f"{where}: expected a list, got {_show(value)}")
    return value


def _dict(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ModelFileError(f"{where}: expected an object, got {_show(value)}")
    return value


def _classes(obj: Mapping[str, Any], kind: str) -> list[str]:
    names = _list(_field(obj, "classifications", kind), f"{kind} model: 'classifications'")
    if not names:
        raise ModelFileError(f"{kind} model: 'classifications' is empty")
    for n in names:
        if not isinstance(n, str) or not n:
            raise ModelFileError(f"{kind} model: class names must be non-empty strings")
    if len(set(names)) != len(names):
        raise ModelFileError(f"{kind} model: duplicate class names")
    return list(names)


def _sparse_map(value: object, where: str) -> dict[int, int]:
    """`{index: real}` (JSON keys are strings) as `{int index: fixed point}`."""
    out: dict[int, int] = {}
    for key, v in _dict(value, where).items():
        index = _int(key, f"{where}: feature index {key!r}")
        out[index] = _fixed(v, f"{where}[{key}]")
    return out


def _sparse_sums(value: object, count: int, where: str) -> dict[int, int]:
    """A sparse centroid `{index: mean}` as the contract's fixed-point sums `mean * n * 1e9`."""
    out: dict[int, int] = {}
    for key, v in _dict(value, where).items():
        index = _int(key, f"{where}: feature index {key!r}")
        mean = _fixed(v, f"{where}[{key}]")  # range and type check
        with localcontext() as ctx:
            ctx.prec = 60
            exact = Decimal(v) if not isinstance(v, float) else Decimal(repr(v))
            total = int((exact * count * TO_FLOAT).to_integral_value(rounding=ROUND_HALF_EVEN))
        if mean < 0:
            raise ModelFileError(f"{where}[{key}]: a sparse centroid value cannot be negative")
        if total > INT64_MAX:
            raise ModelFileError(f"{where}[{key}]: {v} x dataCount {count} is too large")
        out[index] = total
    return out


def _mean_exact(total: int, count: int) -> Decimal:
    """`total / (count * 1e9)` with enough digits that `round(mean * count * 1e9) == total`."""
    with localcontext() as ctx:
        ctx.prec = 40
        return (Decimal(total) / (Decimal(count) * TO_FLOAT)).normalize()


def _fixed_exact(value: int) -> Decimal:
    """The exact decimal that fixed-point `value` stands for."""
    return (Decimal(int(value)) / TO_FLOAT).normalize() if value else Decimal(0)


# --------------------------------------------------------------------------- encoders


def _encoder_spec(obj: Mapping[str, Any], base_dir: Path | None) -> Encoder | None:
    spec = obj.get("encoder")
    if spec is None:
        return None
    if isinstance(spec, dict):
        spec = json.dumps(spec, default=str)
    if not isinstance(spec, str):
        raise ModelFileError("'encoder' must be a spec string or a JSON object")
    try:
        return parse_encoder_spec(spec, base_dir=base_dir)
    except EncodingError as exc:
        raise ModelFileError(f"'encoder': {exc}") from None


def _select(indices: list[int], inner: Encoder | None, sparse: bool) -> Encoder:
    if inner is None:
        inner = IndicesEncoder() if sparse else DenseL2Encoder(len(indices))
    try:
        return SelectEncoder(indices, inner)
    except EncodingError as exc:
        raise ModelFileError(f"'featureIndices': {exc}") from None


def _feature_indices(obj: Mapping[str, Any], kind: str) -> list[int] | None:
    raw = obj.get("featureIndices")
    if raw is None:
        return None
    where = f"{kind} model: 'featureIndices'"
    indices = [_int(i, where) for i in _list(raw, where)]
    if not indices:
        raise ModelFileError(f"{where} is empty")
    if len(set(indices)) != len(indices):
        raise ModelFileError(f"{where} has duplicates")
    return indices


def _sparse_bound(obj: Mapping[str, Any], kind: str, encoder: Encoder | None, used: int) -> int:
    """Number of features of a sparse model: `numFeatures`, else the encoder's, else `used`."""
    if obj.get("numFeatures") is not None:
        n = _int(obj["numFeatures"], f"{kind} model: 'numFeatures'", 1)
        if n < used:
            raise ModelFileError(
                f"{kind} model: a feature index is {used - 1} but 'numFeatures' is {n}"
            )
        return n
    if encoder is not None and encoder.num_features is not None:
        return max(encoder.num_features, used)
    return max(used, 1)


def _compaction(used: Sequence[int], encoder: Encoder | None) -> tuple[list[int], Encoder]:
    indices = sorted(set(used))
    if not indices:
        raise ModelFileError("sparse model has no parameters to compact (and 2^32 features)")
    return indices, _select(indices, encoder, sparse=True)


# --------------------------------------------------------------------------- loaders


def _new(kind: str, *args: Any, **kwargs: Any) -> Classifier:
    from ape_sum.core.models import MODEL_TYPES

    if kind not in MODEL_TYPES:
        raise ModelFileError(f"model type {kind!r} has no mirror yet")
    try:
        return MODEL_TYPES[kind](*args, **kwargs)
    except ModelInputError as exc:
        raise ModelFileError(f"{kind} model: {exc}") from None


def _load_sparse_perceptron(obj: Mapping[str, Any], encoder: Encoder | None) -> tuple:
    kind = "sparse perceptron"
    classes = _classes(obj, kind)
    if obj.get("weights") is None and obj.get("sparseWeights") is None:
        raise ModelFileError(f"{kind} model: missing field 'weights' or 'sparseWeights'")
    dense = [
        _fixed(w, f"{kind} model: weights[{i}]")
        for i, w in enumerate(_list(obj.get("weights") or [], f"{kind} model: 'weights'"))
    ]
    sparse = _sparse_map(obj.get("sparseWeights") or {}, f"{kind} model: sparseWeights")
    intercept = _fixed(_field(obj, "intercept", kind), f"{kind} model: intercept")
    lr = _fixed(_or(obj, "learningRate", DEFAULT_LEARNING_RATE), f"{kind} model: learningRate")
    feature_indices = _feature_indices(obj, kind)
    weights = dict(enumerate(dense))
    weights.update(sparse)  # like the original: sparse weights are written after dense ones
    if feature_indices is not None:
        if sparse:
            raise ModelFileError(f"{kind} model: 'featureIndices' needs 'weights', not sparse ones")
        if len(feature_indices) != len(dense):
            raise ModelFileError(
                f"{kind} model: {len(feature_indices)} featureIndices for {len(dense)} weights"
            )
        encoder = _select(feature_indices, encoder, sparse=True)
        n = len(dense)
    else:
        used = max(weights, default=-1) + 1
        n = _sparse_bound(obj, kind, encoder, used)
        if n > MAX_SPARSE_FEATURES and obj.get("numFeatures") is None:
            nonzero = [i for i, w in weights.items() if w]
            indices, encoder = _compaction(nonzero, encoder)
            weights = {j: weights[i] for j, i in enumerate(indices)}
            n = len(indices)
    vector = [0] * n
    for i, w in weights.items():
        vector[i] = w
    return _new(kind, classes, n, intercept, lr, vector), encoder


def _load_dense_perceptron(obj: Mapping[str, Any], encoder: Encoder | None) -> tuple:
    kind = "dense perceptron"
    classes = _classes(obj, kind)
    raw = _list(_field(obj, "weights", kind), f"{kind} model: 'weights'")
    if not raw:
        raise ModelFileError(f"{kind} model: 'weights' is empty")
    weights = [_fixed(w, f"{kind} model: weights[{i}]") for i, w in enumerate(raw)]
    intercept_raw = obj.get("intercept")
    bias_raw = obj.get("bias")
    if intercept_raw is None and bias_raw is None:
        raise ModelFileError(f"{kind} model: missing field 'intercept' (or 'bias')")
    if intercept_raw is not None and bias_raw is not None and intercept_raw != bias_raw:
        raise ModelFileError(f"{kind} model: 'intercept' and 'bias' disagree")
    intercept = _fixed(
        intercept_raw if intercept_raw is not None else bias_raw, f"{kind}: intercept"
    )
    lr = _fixed(_or(obj, "learningRate", DEFAULT_LEARNING_RATE), f"{kind} model: learningRate")
    feature_indices = _feature_indices(obj, kind)
    if feature_indices is not None:
        if len(feature_indices) != len(weights):
            raise ModelFileError(
                f"{kind} model: {len(feature_indices)} featureIndices for {len(weights)} weights"
            )
        encoder = _select(feature_indices, encoder, sparse=False)
    return _new(kind, classes, len(weights), intercept, lr, weights), encoder


def _load_naive_bayes(obj: Mapping[str, Any], encoder: Encoder | None) -> tuple:
    kind = "naive bayes"
    classes = _classes(obj, kind)
    counts_raw = _list(_field(obj, "classCounts", kind), f"{kind} model: 'classCounts'")
    if len(counts_raw) != len(classes):
        raise ModelFileError(
            f"{kind} model: {len(counts_raw)} classCounts for {len(classes)} classes"
        )
    class_counts = [_int(c, f"{kind} model: classCounts[{i}]") for i, c in enumerate(counts_raw)]
    features_raw = _list(_field(obj, "featureCounts", kind), f"{kind} model: 'featureCounts'")
    if len(features_raw) != len(classes):
        raise ModelFileError(
            f"{kind} model: {len(features_raw)} featureCounts lists for {len(classes)} classes"
        )
    feature_counts: list[dict[int, int]] = []
    for c, pairs in enumerate(features_raw):
        where = f"{kind} model: featureCounts[{c}]"
        counts: dict[int, int] = {}
        for pair in _list(pairs, where):
            if not isinstance(pair, list) or len(pair) != 2:
                raise ModelFileError(f"{where}: expected [index, count] pairs, got {_show(pair)}")
            index = _int(pair[0], f"{where}: feature index")
            if index in counts:
                raise ModelFileError(f"{where}: feature {index} is listed twice")
            counts[index] = _int(pair[1], f"{where}: count of feature {index}")
        feature_counts.append(counts)
    total = _int(_field(obj, "totalNumFeatures", kind), f"{kind} model: totalNumFeatures", 1)
    used = max((max(c, default=-1) for c in feature_counts), default=-1) + 1
    if used > total:
        raise ModelFileError(
            f"{kind} model: feature index {used - 1} but totalNumFeatures is {total}"
        )
    smoothing = _fixed(
        _or(obj, "smoothingFactor", DEFAULT_SMOOTHING_FACTOR), f"{kind} model: smoothingFactor"
    )
    if total > MAX_SPARSE_FEATURES:
        raise ModelFileError(
            f"{kind} model: totalNumFeatures {total} is too large to deploy (the contract stores "
            f"a count per feature and class; at most {MAX_SPARSE_FEATURES}): use a bucketed encoder"
        )
    model = _new(kind, classes, total, smoothing, class_counts, feature_counts)
    return model, encoder


def _load_centroids(obj: Mapping[str, Any], encoder: Encoder | None, sparse: bool) -> tuple:
    kind = "sparse nearest centroid classifier" if sparse else "nearest centroid classifier"
    table = _dict(_field(obj, "centroids", kind), f"{kind} model: 'centroids'")
    if not table:
        raise ModelFileError(f"{kind} model: 'centroids' is empty")
    classes: list[str] = []
    counts: list[int] = []
    dense: list[list[int]] = []
    maps: list[dict[int, int]] = []
    for name, info in table.items():
        where = f"{kind} model: centroids[{name!r}]"
        info = _dict(info, where)
        if not name:
            raise ModelFileError(f"{kind} model: class names must be non-empty")
        classes.append(name)
        counts.append(_int(_field(info, "dataCount", kind), f"{where}.dataCount"))
        raw = _field(info, "centroid", kind)
        if sparse:
            maps.append(_sparse_sums(raw, counts[-1], f"{where}.centroid"))
        else:
            values = _list(raw, f"{where}.centroid")
            if not values:
                raise ModelFileError(f"{where}.centroid is empty")
            dense.append([_fixed(v, f"{where}.centroid[{i}]") for i, v in enumerate(values)])
    if not sparse:
        dim = len(dense[0])
        for name, vec in zip(classes, dense, strict=True):
            if len(vec) != dim:
                raise ModelFileError(
                    f"{kind} model: centroid {name!r} has {len(vec)} dimensions, expected {dim}"
                )
        return _new(kind, classes, dim, counts, dense), encoder
    used = max((max(m, default=-1) for m in maps), default=-1) + 1
    n = _sparse_bound(obj, kind, encoder, used)
    if n > MAX_SPARSE_FEATURES and obj.get("numFeatures") is None:
        indices, encoder = _compaction([i for m in maps for i, v in m.items() if v], encoder)
        position = {i: j for j, i in enumerate(indices)}
        maps = [{position[i]: v for i, v in m.items() if i in position} for m in maps]
        n = len(indices)
    return _new(kind, classes, n, counts, maps), encoder


def model_from_dict(
    obj: Mapping[str, Any], *, base_dir: str | Path | None = None
) -> tuple[Classifier, str | None]:
    """Build the mirror described by a parsed model file; also return its encoder spec."""
    if not isinstance(obj, Mapping):
        raise ModelFileError("a model file must hold a JSON object")
    kind_raw = obj.get("type")
    if not isinstance(kind_raw, str):
        raise ModelFileError("missing field 'type' (the model type)")
    kind = TYPE_ALIASES.get(kind_raw.strip().lower(), kind_raw.strip().lower())
    if kind not in MODEL_FILE_TYPES:
        raise ModelFileError(
            f"unknown model type {kind_raw!r}: expected one of {', '.join(MODEL_FILE_TYPES)}"
        )
    encoder = _encoder_spec(obj, Path(base_dir) if base_dir is not None else None)
    if kind == "sparse perceptron":
        model, encoder = _load_sparse_perceptron(obj, encoder)
    elif kind == "dense perceptron":
        model, encoder = _load_dense_perceptron(obj, encoder)
    elif kind == "naive bayes":
        model, encoder = _load_naive_bayes(obj, encoder)
    else:
        model, encoder = _load_centroids(obj, encoder, kind.startswith("sparse"))
    if encoder is not None:
        try:
            check_compatible(encoder, model)
        except EncodingError as exc:
            raise ModelFileError(f"'encoder' does not fit the model: {exc}") from None
    return model, encoder.spec() if encoder is not None else None


def load_model_file(path: str | Path) -> tuple[Classifier, str | None]:
    """Load a model file: `(mirror, encoder spec or None)`; `ModelFileError` says what is wrong."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ModelFileError(f"model file not found: {str(p)!r}") from None
    except OSError as exc:
        raise ModelFileError(f"cannot read model file {str(p)!r}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ModelFileError(f"{p.name}: not UTF-8 text") from None
    try:
        obj = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{p.name}: not valid JSON: {exc}") from None
    except (ValueError, InvalidOperation) as exc:
        raise ModelFileError(f"{p.name}: {exc}") from None
    try:
        return model_from_dict(obj, base_dir=p.parent)
    except ModelFileError as exc:
        raise ModelFileError(f"{p.name}: {exc}") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid number in a model file")


# --------------------------------------------------------------------------- savers


def _sparse_out(values: Mapping[int, int]) -> dict[str, Decimal]:
    return {str(i): _fixed_exact(v) for i, v in sorted(values.items()) if v}


def model_to_dict(model: Classifier, encoder: Encoder | str | None = None) -> dict[str, Any]:
    """The file-format object for `model` (real numbers as exact `Decimal`s)."""
    kind = model.kind
    out: dict[str, Any] = {"type": kind}
    if kind in ("sparse perceptron", "dense perceptron"):
        weights: list[int] = list(model.weights)  # type: ignore[attr-defined]
        out["classifications"] = list(model.classifications)
        if kind == "sparse perceptron":
            out["numFeatures"] = model.num_features
            out["weights"] = []
            out["sparseWeights"] = _sparse_out(dict(enumerate(weights)))
        else:
            out["weights"] = [_fixed_exact(w) for w in weights]
        out["intercept"] = _fixed_exact(model.intercept)  # type: ignore[attr-defined]
        out["learningRate"] = _fixed_exact(model.learning_rate)  # type: ignore[attr-defined]
    elif kind == "naive bayes":
        out["classifications"] = list(model.classifications)
        out["classCounts"] = list(model.class_counts)  # type: ignore[attr-defined]
        table: list[list[int]] = model.counts  # type: ignore[attr-defined]
        out["featureCounts"] = [
            [[f, row[c]] for f, row in enumerate(table) if row[c]] for c in range(model.num_classes)
        ]
        out["totalNumFeatures"] = model.num_features
        out["smoothingFactor"] = _fixed_exact(model.smoothing_factor)  # type: ignore[attr-defined]
    elif kind in ("nearest centroid classifier", "sparse nearest centroid classifier"):
        sparse = kind.startswith("sparse")
        if sparse:
            out["numFeatures"] = model.num_features
        centroids: dict[str, Any] = {}
        counts: list[int] = model.data_counts  # type: ignore[attr-defined]
        for c, name in enumerate(model.classifications):
            n = int(counts[c])
            if sparse:
                sums = {f: row[c] for f, row in enumerate(model.sums) if row[c]}  # type: ignore[attr-defined]
                if sums and n == 0:
                    raise ModelFileError(f"class {name!r} has sums but a dataCount of 0")
                value: Any = {str(f): _mean_exact(v, n) for f, v in sums.items()}
            else:
                value = [_fixed_exact(v) for v in model.centroids[c]]  # type: ignore[attr-defined]
            centroids[name] = {"centroid": value, "dataCount": n}
        out["centroids"] = centroids
    else:
        raise ModelFileError(f"cannot save a model of type {kind!r}")
    if encoder is not None:
        out["encoder"] = encoder if isinstance(encoder, str) else encoder.spec()
    return out


def _dump(value: Any, indent: int, depth: int = 0) -> str:
    """JSON with exact decimals; short lists and leaf objects stay on one line."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, (str, bool, int)) or value is None:
        return json.dumps(value, ensure_ascii=False)
    pad = " " * (indent * (depth + 1))
    end = " " * (indent * depth)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if all(not isinstance(v, (dict, list, tuple)) for v in value) or depth >= 2:
            return "[" + ", ".join(_dump(v, indent, depth + 1) for v in value) + "]"
        return "[\n" + ",\n".join(pad + _dump(v, indent, depth + 1) for v in value) + f"\n{end}]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{json.dumps(str(k), ensure_ascii=False)}: {_dump(v, indent, depth + 1)}"
            for k, v in value.items()
        ]
        if all(not isinstance(v, (dict, list)) for v in value.values()) and depth >= 1:
            return "{" + ", ".join(items) + "}"
        return "{\n" + ",\n".join(pad + item for item in items) + f"\n{end}}}"
    raise ModelFileError(f"cannot write {type(value).__name__} to a model file")


def dumps_model(model: Classifier, encoder: Encoder | str | None = None) -> str:
    """The model file text for `model` (exact decimals)."""
    return _dump(model_to_dict(model, encoder), 2) + "\n"


def save_model_file(
    path: str | Path, model: Classifier, encoder: Encoder | str | None = None
) -> None:
    """Write `model` (and optionally its encoder spec) in the original system's format."""
    if isinstance(encoder, str):
        try:
            check_compatible(parse_encoder_spec(encoder), model)
        except EncodingError as exc:
            raise ModelFileError(f"encoder does not fit the model: {exc}") from None
    elif encoder is not None:
        try:
            check_compatible(encoder, model)
        except EncodingError as exc:
            raise ModelFileError(f"encoder does not fit the model: {exc}") from None
    text = dumps_model(model, encoder)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ModelFileError(f"cannot write model file {str(path)!r}: {exc.strerror}") from None
