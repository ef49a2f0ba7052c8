"""Deposits that cannot surprise: a quoted maximum, refusals before sending, mined reverts said as
such."""

from __future__ import annotations

import pytest

from ape_sum._cli.click_ext import SumAbort, send_or_explain


def test_max_deposit_refuses_before_sending(invoke, deployed, samples, accounts):
    good_input, good_label = samples["right"][3]
    label = samples["classes"][good_label]
    alice = accounts[1]
    nonce = alice.nonce
    refused = invoke("add-data", good_input, "--label", label, "--account", "TEST::1",
                     "--max-deposit", "1 wei", ok=False).error  # fmt: skip
    assert refused.startswith("the deposit needed now is ")
    assert refused.endswith("above --max-deposit 0.000000000000000001 ETH: nothing was sent")
    assert alice.nonce == nonce
    bare = invoke("add-data", good_input, "--label", label, "--max-deposit", "10", ok=False)
    assert bare.error == "'10' needs a unit: e.g. '10 ether', '10 gwei' or '10 wei'"
    both = invoke("add-data", good_input, "--label", label, "--max-deposit", "1 ether",
                  "--deposit", "1 ether", ok=False)  # fmt: skip
    assert both.error == "give --deposit or --max-deposit, not both"
    assert alice.nonce == nonce


def test_default_max_is_quote_plus_headroom_and_excess_returns(invoke, deployed, samples, accounts):
    good_input, good_label = samples["right"][4]
    alice = accounts[1]
    before = int(alice.balance)
    added = invoke("add-data", good_input, "--label", samples["classes"][good_label],
                   "--account", "TEST::1", "--json").json  # fmt: skip
    assert added["sent_wei"] == added["quote_wei"] + added["quote_wei"] // 10
    assert 0 < added["cost_wei"] <= added["quote_wei"]
    assert added["returned_wei"] == added["sent_wei"] - added["cost_wei"]
    assert int(alice.balance) == before - added["cost_wei"] - added["fees_wei"]


def test_mined_revert_is_reported_with_hash_and_gas(deployed, samples, accounts, networks):
    """Without the free call first, a deposit below the cost is mined and reverts on Anvil."""
    if networks.provider.name != "foundry":
        pytest.skip("py-evm refuses a reverting transaction before mining it")
    from ape_sum.chain.contracts import container

    trainer = container("CollaborativeTrainer").at(deployed["trainer"])
    bob = accounts[2]
    nonce = bob.nonce
    with pytest.raises(SumAbort) as refused:
        send_or_explain(trainer.addData, [1] * 30, 0, sender=bob, value=1)
    message = refused.value.format_message()
    assert message.startswith("transaction 0x")
    assert " was mined and reverted in block " in message
    assert "is below the current cost" in message
    assert bob.nonce == nonce + 1
