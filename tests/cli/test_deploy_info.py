"""`ape sum train`, `deploy` (names, resume, validation) and `info`."""

from __future__ import annotations

import json

import pytest

from ape_sum.chain.registry import Registry


def test_train_writes_a_model_file_and_reports_exact_accuracy(invoke, tmp_path):
    out = tmp_path / "m.json"
    result = invoke("train", "breast-cancer", "-o", out, "--json", network=False)
    payload = result.json
    assert payload["model_type"] == "dense perceptron"
    assert payload["classes"] == ["malignant", "benign"]
    assert payload["accuracy"] > 0.9
    assert json.loads(out.read_text())["type"] == "dense perceptron"


def test_train_with_a_vocabulary_writes_the_file_its_spec_pins(invoke, tmp_path):
    from ape_sum.core.encoding import parse_encoder_spec
    from ape_sum.core.models.files import load_model_file

    out = tmp_path / "rt.json"
    payload = invoke("train", "rotten-tomatoes", "-o", out, "--vocabulary", "100", "--json",
                     network=False).json  # fmt: skip
    spec = json.loads(payload["encoder"])
    assert spec["type"] == "vocab" and payload["num_features"] == 100
    assert payload["vocabulary_file"] == str(tmp_path / spec["file"])
    assert len((tmp_path / spec["file"]).read_text().splitlines()) == 100
    model, loaded_spec = load_model_file(out)
    assert loaded_spec == payload["encoder"] and model.num_features == 100
    encoder = parse_encoder_spec(loaded_spec, base_dir=tmp_path)
    assert encoder.encode("the film is a movie")  # the commonest words are in the vocabulary


@pytest.mark.parametrize("name", ["nearest-centroid", "nearest centroid classifier"])
def test_train_takes_the_cli_and_the_model_file_names(invoke, tmp_path, name):
    out = tmp_path / "nc.json"
    payload = invoke("train", "breast-cancer", "--model", name, "-o", out, "--json",
                     network=False).json  # fmt: skip
    assert payload["model_type"] == "nearest centroid classifier"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["no-such-set"], "unknown data set"),
        (["breast-cancer", "--model", "forest"], "unknown model"),
        (["{one_class}"], "only one class"),
    ],
)
def test_train_refuses_bad_input_in_one_line(invoke, tmp_path, args, reason):
    one_class = tmp_path / "one.csv"
    one_class.write_text("text,label\ngood movie,fresh\nnice film,fresh\n")
    args = [a.format(one_class=one_class) for a in args]
    result = invoke("train", *args, "-o", tmp_path / "x.json", network=False, ok=False)
    assert reason in result.error


def test_deploy_prints_addresses_and_saves_them(invoke, bc_model_file, chain, owner):
    payload = invoke("deploy", bc_model_file, "--name", "first", "--json").json
    for key in ("trainer", "classifier", "incentive_mechanism", "chain_id", "name"):
        assert payload[key]
    assert payload["chain_id"] == chain.chain_id
    assert payload["name"] == "first"
    record = Registry().find("first", payload["network"], chain.chain_id)
    assert record.trainer == payload["trainer"] and record.complete
    assert record.deployer == owner.address


def test_info_describes_the_trainer(invoke, deployed, owner):
    info = invoke("info", "bc", "--json").json
    assert info["trainer"] == deployed["trainer"]
    assert info["classes"] == ["malignant", "benign"]
    assert info["model_type"] == "dense perceptron"
    assert info["owner"] == owner.address
    assert info["num_features"] == 30
    incentive = info["incentive"]
    assert incentive["kind"] == "deposit"
    assert incentive["refund_wait_s"] == 24 * 3600
    assert incentive["next_add_data_cost_wei"] > 0
    assert incentive["total_submitted"] == 0
    text = invoke("info").stdout  # the last deployment by default
    assert deployed["trainer"] in text and "deposit needed now" in text


def test_info_by_address_works_without_the_registry(invoke, deployed, registry_folder):
    (registry_folder / "deployments.json").unlink()
    info = invoke("info", deployed["trainer"], "--json").json
    assert info["incentive"]["kind"] == "deposit"
    assert info["classes"] == ["malignant", "benign"]


def test_deploy_names_do_not_collide(invoke, bc_model_file, deployed):
    again = invoke("deploy", bc_model_file, "--json").json
    assert again["name"] == "bc-2"  # the file's name was taken by the module's deployment
    refused = invoke("deploy", bc_model_file, "--name", "bc", ok=False)
    assert "already exists" in refused.error


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (["--refund-wait", "8d"], "wait times must satisfy"),
        (["--refund-wait", "soon"], "not a duration"),
        (["--cost-weight", "lots"], "not an amount"),
        (["--account", "nobody"], "unknown account"),
        (["--account", "TEST::99"], "no test account"),
    ],
)
def test_deploy_refuses_bad_options_without_sending(invoke, bc_model_file, owner, options, reason):
    nonce = owner.nonce
    result = invoke("deploy", bc_model_file, "--name", "bad", *options, ok=False)
    assert reason in result.error
    assert owner.nonce == nonce


def test_deploy_refuses_a_missing_or_broken_model_file(invoke, tmp_path, owner):
    nonce = owner.nonce
    assert "no model file" in invoke("deploy", tmp_path / "none.json", ok=False).error
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": "dense perceptron"')
    assert "cannot read model file" in invoke("deploy", broken, ok=False).error
    assert owner.nonce == nonce


def test_a_failed_deployment_is_resumed_not_redone(invoke, bc_model_file, owner, chain):
    from ape import networks

    from ape_sum.chain.deployment import IncentiveConfig, deploy_model
    from ape_sum.core.models.files import load_model_file

    model, spec = load_model_file(bc_model_file)

    class Interrupted(Exception):
        pass

    def stop_at_trainer(step, done, total):
        if step.startswith("deploying CollaborativeTrainer"):
            raise Interrupted

    with pytest.raises(Interrupted):
        deploy_model(model, spec, name="half", description="", incentive=IncentiveConfig(),
                     sender=owner, registry=Registry(), progress=stop_at_trainer)  # fmt: skip
    network = networks.provider.network_choice
    partial = Registry().get("half", network, chain.chain_id)
    assert partial is not None and not partial.complete
    assert partial.classifier and partial.incentive_mechanism and not partial.trainer

    assert "unfinished" in invoke("deploy", bc_model_file, "--name", "half", ok=False).error
    assert "unfinished" in invoke("info", "half", ok=False).error
    nonce = owner.nonce
    done = invoke("deploy", bc_model_file, "--name", "half", "--resume", "--json").json
    assert done["classifier"] == partial.classifier
    assert done["incentive_mechanism"] == partial.incentive_mechanism
    assert owner.nonce == nonce + 3  # trainer, two setTrainer calls: nothing redone
    assert invoke("info", "half", "--json").json["trainer"] == done["trainer"]


def test_points_mechanism_deploys_and_costs_nothing(invoke, text_model_file):
    payload = invoke("deploy", text_model_file, "--incentive", "points", "--json").json
    info = invoke("info", payload["name"], "--json").json
    assert info["incentive"]["kind"] == "points"
    assert info["incentive"]["next_add_data_cost_wei"] == 0
    assert info["model_type"] == "sparse perceptron"
    assert info["classes"] == ["rotten", "fresh"]
