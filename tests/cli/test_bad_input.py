"""Every user mistake ends with a one-line reason, a non-zero exit, and no transaction sent."""

from __future__ import annotations

import json

import pytest

from ape_sum.chain.registry import Registry, network_key

THIRTY_ONES = ",".join(["1"] * 29)


@pytest.fixture
def good(samples):
    x, y = samples["right"][3]
    return x, samples["classes"][y]


@pytest.fixture
def no_transaction(accounts):
    """Assert that none of the first five test accounts sent anything."""
    senders = accounts[:5]
    nonces = [a.nonce for a in senders]
    yield
    assert [a.nonce for a in senders] == nonces


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["nan," + THIRTY_ONES], "not finite"),
        (["inf," + THIRTY_ONES], "not finite"),
        (["1e400," + THIRTY_ONES], "too large"),
        (["abc"], "not a number"),
        ([""], "no numbers given"),
        (["1,2,3"], "wrong dimension"),
        (["bc", "1,2", "3,4"], "too many arguments"),
    ],
)
def test_add_data_refuses_malformed_input(invoke, deployed, no_transaction, args, reason):
    result = invoke("add-data", *args, "--label", "benign", ok=False)
    assert reason in result.error


def test_predict_refuses_malformed_input_and_missing_input(invoke, deployed):
    assert "wrong dimension" in invoke("predict", "1,2,3", ok=False).error
    assert "missing INPUT" in invoke("predict", ok=False).error


def test_label_must_be_a_class(invoke, deployed, good, no_transaction):
    result = invoke("add-data", good[0], "--label", "maybe", ok=False)
    assert "not a class of this model" in result.error
    assert "malignant, benign" in result.error


def test_unknown_trainer(invoke, deployed, good, no_transaction):
    assert "unknown trainer 'nope'" in invoke("info", "nope", ok=False).error
    result = invoke("add-data", "nope", good[0], "--label", good[1], ok=False)
    assert "unknown trainer" in result.error
    missing = "0x" + "12" * 20
    assert "no contract at" in invoke("predict", missing, good[0], ok=False).error


def test_not_a_trainer(invoke, deployed, good):
    result = invoke("info", deployed["classifier"], ok=False)
    assert "is not a SUM trainer" in result.error


def test_wrong_network(invoke, deployed, registry_folder, chain, no_transaction, good):
    """A deployment that exists under another network: the reason names that network."""
    path = registry_folder / "deployments.json"
    data = json.loads(path.read_text())
    section = data[network_key(deployed["network"], chain.chain_id)]
    elsewhere = {"deployments": {"sepolia-model": {**section["deployments"]["bc"],
                                                   "name": "sepolia-model"}}}  # fmt: skip
    data["ethereum:sepolia#11155111"] = elsewhere
    path.write_text(json.dumps(data))
    result = invoke("add-data", "sepolia-model", good[0], "--label", good[1], ok=False)
    assert "ethereum:sepolia#11155111" in result.error and "--network" in result.error
    assert Registry().locate("sepolia-model") == ["ethereum:sepolia#11155111"]


def test_no_deployment_yet(invoke, registry_folder, no_transaction):
    (registry_folder / "deployments.json").unlink(missing_ok=True)
    assert "no trainer deployed" in invoke("contributions", ok=False).error


def test_insufficient_balance_and_deposit_below_cost(invoke, deployed, good, no_transaction):
    rich = invoke("add-data", good[0], "--label", good[1], "--deposit", "1000000 ether", ok=False)
    assert "insufficient balance" in rich.error
    low = invoke("add-data", good[0], "--label", good[1], "--deposit", "1 wei", ok=False)
    assert "below the current cost" in low.error
    bad_unit = invoke("add-data", good[0], "--label", good[1], "--deposit", "1 bitcoin", ok=False)
    assert "unknown unit" in bad_unit.error


def test_unknown_account_and_contribution(invoke, deployed, good, no_transaction):
    result = invoke("add-data", good[0], "--label", good[1], "--account", "ghost", ok=False)
    assert "unknown account 'ghost'" in result.error
    assert "no contribution #7" in invoke("refund", "7", ok=False).error
    assert "not a contribution id" in invoke("refund", "seven", ok=False).error
    unknown_tx = "0x" + "ab" * 32
    assert "no transaction" in invoke("report", unknown_tx, ok=False).error


@pytest.fixture
def keyfile_account():
    from ape import accounts
    from ape_accounts import import_account_from_private_key
    from eth_account import Account

    alias = "ape-sum-cli-test"
    if alias in accounts.aliases:
        accounts.load(alias).keyfile_path.unlink()
    account = import_account_from_private_key(alias, PASSPHRASE, Account.create().key.hex())
    yield account
    account.keyfile_path.unlink(missing_ok=True)


PASSPHRASE = "Secr3t-pass:phrase!"


def test_keyfile_account_without_passphrase_never_prompts(
    invoke, deployed, good, no_transaction, keyfile_account, monkeypatch
):
    alias = keyfile_account.alias
    monkeypatch.delenv(f"APE_ACCOUNTS_{alias}_PASSPHRASE", raising=False)
    result = invoke("add-data", good[0], "--label", good[1], "--account", alias, ok=False)
    assert f"set APE_ACCOUNTS_{alias}_PASSPHRASE" in result.error


def test_keyfile_account_signs_with_the_passphrase_from_the_environment(
    invoke, deployed, good, keyfile_account, monkeypatch, owner
):
    alias = keyfile_account.alias
    owner.transfer(keyfile_account, "1 ether")
    monkeypatch.setenv(f"APE_ACCOUNTS_{alias}_PASSPHRASE", PASSPHRASE)
    added = invoke("add-data", good[0], "--label", good[1], "--account", alias, "--json").json
    assert added["author"] == keyfile_account.address
    assert keyfile_account.balance == 10**18 - added["cost_wei"] - added["fees_wei"]
    monkeypatch.setenv(f"APE_ACCOUNTS_{alias}_PASSPHRASE", "wrong")
    wrong = invoke("add-data", good[0], "--label", good[1], "--account", alias, ok=False)
    assert "cannot unlock account" in wrong.error
