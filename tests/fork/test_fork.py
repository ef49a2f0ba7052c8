"""A trainer "live on mainnet" used through a fork: find it, contribute, time-travel, refund,
report — and leave the real chain untouched."""

from __future__ import annotations

import pytest

from ape_sum.chain.contracts import container
from ape_sum.core.models.files import load_model_file

EXTRA = 10**15  # sent above the cost, to be returned


@pytest.fixture(scope="module")
def deployment(upstream) -> dict:
    return upstream["deployment"]


@pytest.fixture(scope="module")
def upstream_before(upstream_rpc, deployment, accounts) -> dict:
    """The upstream's state before the fork suite touches anything."""
    watched = [deployment["trainer"], deployment["incentive_mechanism"], deployment["classifier"]]
    return upstream_rpc.state(watched + [a.address for a in accounts[:4]])


@pytest.fixture(scope="module")
def trainer(deployment, upstream_before):
    return container("CollaborativeTrainer").at(deployment["trainer"])


@pytest.fixture(scope="module")
def mechanism(trainer):
    return container("DepositRefundTake").at(trainer.incentiveMechanism())


@pytest.fixture(scope="module")
def mirror(deployment):
    model, _ = load_model_file(deployment["model_file"])
    return model


def pick_samples(mirror) -> tuple[list[int], int, list[int], int]:
    """A good sample (label = prediction) and a bad one whose wrong label leaves the model as is."""
    good = bad = None
    for start in range(0, 60):
        data = [start, (start + 3) % 64, (start + 7) % 64]
        prediction = mirror.predict(data)
        if good is None:
            good = (data, prediction)
            continue
        after = mirror.copy()
        after.update(data, 1 - prediction)
        if after.predict(data) == prediction and after.predict(good[0]) == good[1]:
            bad = (data, 1 - prediction)
            break
    assert good and bad, "the fork model should have a stable bad sample"
    return good[0], good[1], bad[0], bad[1]


def test_fork_is_mainnet_and_finds_the_upstream_trainer(chain, trainer, deployment, mirror):
    assert chain.chain_id == 1
    assert trainer.name() == deployment["name"]
    assert trainer.classifier() == deployment["classifier"]
    assert trainer.incentiveMechanism() == deployment["incentive_mechanism"]
    assert chain.blocks.head.number >= deployment["block_number"]
    classifier = container(mirror.contract_name).at(deployment["classifier"])
    names = [classifier.classifications(i) for i in range(classifier.getNumClassifications())]
    assert names == mirror.classifications
    for data in ([0, 1, 2], [5, 9, 63], [17]):
        assert trainer.predict(data) == mirror.predict(data)


def test_contribute_time_travel_refund_and_report_on_the_fork(
    chain, accounts, trainer, mechanism, mirror
):
    alice, bob = accounts[1], accounts[2]
    good, good_label, bad, bad_label = pick_samples(mirror)
    balance = {a.address: a.balance for a in (alice, bob)}
    start_trainer_balance = trainer.balance

    cost = mechanism.getNextAddDataCost()
    receipt = trainer.addData(good, good_label, sender=alice, value=cost + EXTRA)
    (added,) = receipt.events.filter(trainer.AddData)
    good_cost, good_time = added.cost, added.t
    assert good_cost <= cost
    balance[alice.address] -= good_cost + receipt.total_fees_paid

    cost = mechanism.getNextAddDataCost()  # it grows when contributions come quickly
    receipt = trainer.addData(bad, bad_label, sender=bob, value=cost + EXTRA)
    (added,) = receipt.events.filter(trainer.AddData)
    bad_cost, bad_time = added.cost, added.t
    balance[bob.address] -= bad_cost + receipt.total_fees_paid
    assert trainer.balance == start_trainer_balance + good_cost + bad_cost

    chain.mine(deltatime=mechanism.refundWaitTimeS())
    receipt = trainer.refund(good, good_label, good_time, sender=alice)
    balance[alice.address] += good_cost - receipt.total_fees_paid
    assert mechanism.numValidForAddress(alice) == 1

    assert trainer.predict(bad) != bad_label
    receipt = trainer.report(bad, bad_label, bad_time, bob, sender=alice)
    (reported,) = receipt.events.filter(trainer.Report)
    # Alice holds every validated contribution, so her share is the whole deposit.
    assert reported.amount == bad_cost
    balance[alice.address] += bad_cost - receipt.total_fees_paid

    assert {a.address: a.balance for a in (alice, bob)} == balance
    assert trainer.balance == start_trainer_balance
    assert trainer.getClaimableAmount(bad, bad_label, bad_time, bob) == 0


def test_the_upstream_chain_did_not_change(upstream_rpc, upstream_before, chain, trainer, accounts):
    # Change the fork once more, then compare the upstream with its state before the suite.
    mechanism = container("DepositRefundTake").at(trainer.incentiveMechanism())
    cost = mechanism.getNextAddDataCost()
    trainer.addData([1, 2, 3], 1, sender=accounts[3], value=cost + EXTRA)
    assert chain.chain_id == 1
    watched = list(upstream_before["balances"])
    assert upstream_rpc.state(watched) == upstream_before
