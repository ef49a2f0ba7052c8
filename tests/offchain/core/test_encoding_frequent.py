"""The research's text features: presence of the most frequent words, pinned by hash."""

from __future__ import annotations

import hashlib

import pytest

from ape_sum.core.datasets import load_dataset, train_test_split
from ape_sum.core.encoding import EncodingError, VocabularyEncoder, parse_encoder_spec
from ape_sum.core.encoding.frequent import (
    INLINE_VOCABULARY_LIMIT,
    fit_frequent_words,
    frequent_words,
    write_vocabulary_file,
)
from ape_sum.core.models.training import train_model

TEXTS = ["the cat sat", "The dog sat!", "a cat, a dog", "the end"]


def test_most_frequent_words_counted_by_occurrence_ties_alphabetical() -> None:
    # the: 3, a: 2, cat: 2, dog: 2, sat: 2, end: 1
    assert frequent_words(TEXTS, 4) == ["the", "a", "cat", "dog"]
    assert frequent_words(TEXTS, 100) == ["the", "a", "cat", "dog", "sat", "end"]
    assert frequent_words(TEXTS, 3, split="whitespace") == ["the", "a", "dog"]  # "sat!" != "sat"
    with pytest.raises(EncodingError, match="positive integer"):
        frequent_words(TEXTS, 0)


def test_small_vocabulary_is_inline_and_binary_presence() -> None:
    enc = fit_frequent_words(TEXTS, 3)
    assert enc.spec() == '{"v":1,"type":"vocab","tokens":["the","a","cat"],"split":"words"}'
    assert enc.encode("The the THE cat fish") == [0, 2]
    assert parse_encoder_spec(enc.spec()).encode("a cat") == [1, 2]
    assert write_vocabulary_file(enc, "/nonexistent") is None


def test_large_vocabulary_is_a_file_pinned_by_hash(tmp_path) -> None:
    texts = [f"w{i} " * (1000 - i) for i in range(INLINE_VOCABULARY_LIMIT + 1)]
    enc = fit_frequent_words(texts, 1000)
    body = "".join(f"w{i}\n" for i in range(INLINE_VOCABULARY_LIMIT + 1)).encode()
    digest = hashlib.sha256(body).hexdigest()[:16]
    assert enc.spec() == (
        f'{{"v":1,"type":"vocab","file":"vocab-{digest}.txt","sha256":"{digest}","split":"words"}}'
    )
    path = write_vocabulary_file(enc, tmp_path)
    assert path == tmp_path / f"vocab-{digest}.txt" and path.read_bytes() == body
    again = parse_encoder_spec(enc.spec(), base_dir=tmp_path)
    assert again.encode("w64 w0 w3 other") == enc.encode("w64 w0 w3 other") == [0, 3, 64]
    path.write_bytes(body + b"extra\n")
    with pytest.raises(EncodingError, match="does not match"):
        parse_encoder_spec(enc.spec(), base_dir=tmp_path)


def test_train_model_fits_the_vocabulary_on_its_training_part_only() -> None:
    data = load_dataset("rotten-tomatoes")
    result = train_model("sparse perceptron", data, seed=2, vocabulary=1000)
    assert isinstance(result.encoder, VocabularyEncoder)
    assert result.encoder.num_features == 1000 == result.model.num_features
    train, _ = train_test_split(data, 0.8, 2)
    expected = frequent_words(train.samples, 1000, "words")
    assert sorted(result.encoder.vocab, key=result.encoder.vocab.__getitem__) == expected
    assert frequent_words(data.samples, 1000, "words") != expected
