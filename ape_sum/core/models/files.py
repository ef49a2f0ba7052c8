"""Model files: the original research system's JSON formats, loaded into the integer mirrors.

A file is one JSON object with a `type` and that type's fields (see `docs/ENCODING.md`). Real
numbers are plain decimals in the file and `round(x * 1e9)` on chain; numbers are read as exact
decimals and written exactly, so a model saved and loaded again is bit for bit the same.

Our additions to the format, all optional: `encoder` (the encoder spec, see
`ape_sum.core.encoding`), `numFeatures` (sparse models: the exclusive bound of the feature indices),
`maxInputFeatures` (sparse models: the most features one input may list, fixed at deployment;
files without it, like the seed's formats, get `DEFAULT_MAX_INPUT_FEATURES` capped at the number
of features).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ape_sum.core.encoding import Encoder, EncodingError, check_compatible, parse_encoder_spec
from ape_sum.core.models.base import Classifier, ModelInputError, ModelKindError
from ape_sum.core.models.file_values import (
    DEFAULT_LEARNING_RATE,
    DEFAULT_SMOOTHING_FACTOR,
    MAX_SPARSE_FEATURES,
    ModelFileError,
    integer,
)

__all__ = [
    "DEFAULT_LEARNING_RATE",
    "DEFAULT_SMOOTHING_FACTOR",
    "MAX_SPARSE_FEATURES",
    "ModelFileError",
    "dumps_model",
    "load_model_file",
    "model_from_dict",
    "model_to_dict",
    "save_model_file",
]


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


# --------------------------------------------------------------------------- loaders


def model_from_dict(
    obj: Mapping[str, Any], *, base_dir: str | Path | None = None
) -> tuple[Classifier, str | None]:
    """Build the mirror described by a parsed model file; also return its encoder spec."""
    from ape_sum.core.models import model_kind

    if not isinstance(obj, Mapping):
        raise ModelFileError("a model file must hold a JSON object")
    kind_raw = obj.get("type")
    if not isinstance(kind_raw, str):
        raise ModelFileError("missing field 'type' (the model type)")
    try:
        cls = model_kind(kind_raw)
    except ModelKindError as exc:
        raise ModelFileError(str(exc)) from None
    encoder = _encoder_spec(obj, Path(base_dir) if base_dir is not None else None)
    model, encoder = cls.from_file(obj, encoder)
    bound = obj.get("maxInputFeatures")
    if bound is not None:
        if not model.sparse:
            raise ModelFileError(f"{cls.kind} model: 'maxInputFeatures' is for sparse models")
        try:
            model.set_max_input_features(integer(bound, f"{cls.kind} model: maxInputFeatures"))
        except ModelInputError as exc:
            raise ModelFileError(f"{cls.kind} model: {exc}") from None
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


def model_to_dict(model: Classifier, encoder: Encoder | str | None = None) -> dict[str, Any]:
    """The file-format object for `model` (real numbers as exact `Decimal`s)."""
    out: dict[str, Any] = {"type": model.kind, **model.to_file()}
    if model.sparse:
        out["maxInputFeatures"] = model.max_input_features
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
