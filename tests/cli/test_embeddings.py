"""Sentence embeddings end to end: `ape sum train <reviews> --model nearest-centroid --encoder
embedding`, deploy, then the chain predicts what the off-chain mirror predicts on held-out texts,
and `predict`/`add-data` encode a text with the spec stored on chain.

The data set is 120 reviews (60 a class) written as a CSV, so the real encoder embeds only those.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ape_sum.core.datasets import load_dataset, train_test_split
from ape_sum.core.encoding import parse_encoder_spec
from ape_sum.core.models.files import load_model_file


@pytest.fixture(scope="module")
def reviews_csv(tmp_path_factory) -> Path:
    full = load_dataset("rotten-tomatoes")
    picked = sorted(i for c in (0, 1) for i in np.flatnonzero(full.labels == c)[:60])
    path = tmp_path_factory.mktemp("embedding-data") / "reviews120.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in picked:
            writer.writerow([full.samples[i], full.class_names[int(full.labels[i])]])
    return path


@pytest.fixture(scope="module")
def embedding_model(reviews_csv, invoke, tmp_path_factory) -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APE_SUM_CACHE_DIR", str(tmp_path_factory.mktemp("embedding-cache")))
        out = reviews_csv.with_name("reviews-nc.json")
        trained = invoke("train", reviews_csv, "--model", "nearest-centroid", "--encoder",
                         "embedding", "--train-fraction", "0.8", "-o", out, "--force", "--json",
                         network=False).json  # fmt: skip
    return {"file": out, **trained}


def test_train_reports_the_exact_accuracy_next_to_the_float_model(embedding_model):
    assert embedding_model["encoder"].startswith('{"v":1,"type":"sentence-embedding"')
    assert (embedding_model["num_features"], embedding_model["test_size"]) == (512, 24)
    assert embedding_model["correct"] == round(embedding_model["accuracy"] * 24)
    assert abs(embedding_model["accuracy"] - embedding_model["float_accuracy"]) <= 0.01


def test_the_chain_predicts_what_the_mirror_predicts(
    invoke, embedding_model, reviews_csv, network_choice
):
    from ape import chain

    from ape_sum.chain.registry import Registry

    Registry().remove("emb", network_choice, chain.chain_id)
    deployed = invoke("deploy", embedding_model["file"], "--name", "emb", "--json").json
    info = invoke("info", "emb", "--json").json
    assert info["encoder"] == embedding_model["encoder"]

    model, spec = load_model_file(embedding_model["file"])
    encoder = parse_encoder_spec(spec)
    _, test = train_test_split(load_dataset(str(reviews_csv)), 0.8, 0)
    held_out = list(test.samples)
    assert len(held_out) == 24
    for text in held_out[:6]:  # the command: encodes with the spec read from the chain
        answer = invoke("predict", "emb", text, "--json").json
        data = encoder.encode(text)
        assert answer["encoded"] == data
        assert answer["class_index"] == model.predict(data)
    trainer = chain.contracts.instance_at(deployed["trainer"])
    for text in held_out[6:]:  # the rest straight to the contract's view
        data = encoder.encode(text)
        assert int(trainer.predict(data)) == model.predict(data)

    # A contribution is the same integers, and the model on chain moves as the mirror does.
    text = held_out[0]
    added = invoke("add-data", "emb", text, "--label", "fresh", "--account", "TEST::1",
                   "--json").json  # fmt: skip
    assert added["data"] == encoder.encode(text)
    model.update(added["data"], added["classification"])
    for probe in held_out[:12]:
        data = encoder.encode(probe)
        assert int(trainer.predict(data)) == model.predict(data)
