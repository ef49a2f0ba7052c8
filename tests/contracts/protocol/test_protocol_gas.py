"""Whole-transaction gas of the four hot paths, against the budgets (1,000-weight sparse
perceptron, 20 indices, 1 ETH sent so the excess is returned)."""

from __future__ import annotations

import pytest
from support.protocol import ANY_WAIT, CLASSES, ONE_ETH, OWNER_WAIT, REFUND_WAIT, set_time

NUM_WEIGHTS = 1000
K = 20
CHUNK = 500
BUDGET = {"add_agree": 125_000, "add_update": 190_000, "refund": 120_000, "report": 120_000}


@pytest.fixture(scope="module")
def big_stack(project, owner):
    # Positive weights: every 20-index input predicts 1, and one update (1e6) does not flip it.
    weights = [100_000_000 + (i * 7919) % 900_000_000 for i in range(NUM_WEIGHTS)]
    model = project.SparsePerceptron.deploy(
        CLASSES, NUM_WEIGHTS, 0, 1_000_000, NUM_WEIGHTS, sender=owner
    )
    for start in range(0, NUM_WEIGHTS, CHUNK):
        model.initializeWeights(start, weights[start : start + CHUNK], sender=owner)
    im = project.DepositRefundTake.deploy(REFUND_WAIT, OWNER_WAIT, ANY_WAIT, 10**12, sender=owner)
    trainer = project.CollaborativeTrainer.deploy(
        "gas", "1000-weight sparse perceptron", "sparse:gas", model, im, sender=owner
    )
    model.setTrainer(trainer, sender=owner)
    im.setTrainer(trainer, sender=owner)
    return trainer


@pytest.fixture(scope="module")
def gas_used(big_stack, alice, bob):
    """Gas of the four hot paths, measured once per module."""
    trainer = big_stack
    good = [j * 50 + 7 for j in range(K)]  # one index per storage slot: 20 cold slots
    bad = [j * 50 + 13 for j in range(K)]
    assert trainer.predict(good) == 1 and trainer.predict(bad) == 1
    gas = {}
    r = trainer.addData(good, 1, sender=alice, value=ONE_ETH)
    gas["add_agree"] = r.gas_used
    t_good = r.timestamp
    set_time(t_good + 10)
    r = trainer.addData(bad, 0, sender=bob, value=ONE_ETH)  # the model trains (label disagrees)
    gas["add_update"] = r.gas_used
    t_bad = r.timestamp
    assert trainer.predict(bad) == 1  # one small update does not flip it
    set_time(t_bad + REFUND_WAIT)
    gas["refund"] = trainer.refund(good, 1, t_good, sender=alice).gas_used
    set_time(t_bad + REFUND_WAIT + 1)
    gas["report"] = trainer.report(bad, 0, t_bad, bob, sender=alice).gas_used
    return gas


@pytest.mark.parametrize(
    "path",
    ["add_agree", "add_update", "refund", "report"],
)
def test_gas_budget(gas_used, path, record_property):
    record_property(f"gas_{path}", gas_used[path])
    assert gas_used[path] <= BUDGET[path], gas_used
