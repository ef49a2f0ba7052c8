"""Refunds and reports on a dense nearest-centroid trainer follow the model.

The trainer decides claims with the classifier's `predictAccepted`, which for the nearest centroid
skips the input checks. Here a three-class model with a partial last slot (11 dimensions) takes
good and bad contributions; after the wait, every refund and report must succeed or be refused
exactly as the off-chain mirror's final prediction says.
"""

from __future__ import annotations

import copy
import random

import ape
from support.models import unit_vector

from ape_sum.chain.contracts import container
from ape_sum.chain.deployment import IncentiveConfig, deploy_model
from ape_sum.chain.registry import Registry
from ape_sum.core.models import NearestCentroid

ONE_ETH = 10**18
DIM = 11
WAIT_S = 60


def test_claims_follow_the_mirror(owner, alice, bob, chain, tmp_path):
    rng = random.Random(21)
    model = NearestCentroid(
        ["a", "b", "c"], DIM, [2, 1, 3], [unit_vector(rng, DIM) for _ in range(3)]
    )
    mirror = copy.deepcopy(model)
    incentive = IncentiveConfig(
        refund_wait_s=WAIT_S,
        owner_claim_wait_s=10 * WAIT_S,
        any_address_claim_wait_s=20 * WAIT_S,
        cost_weight=10**12,  # 0.0036 ETH at most: 1 ETH always covers it
    )
    record = deploy_model(
        model, "dense:v1", name="nc-claims", description="claims", incentive=incentive,
        sender=owner, registry=Registry(tmp_path / "deployments.json"),
    )  # fmt: skip
    trainer = container("CollaborativeTrainer").at(record.trainer)

    added = []  # (data, label, time, author)
    for step in range(8):
        x = unit_vector(rng, DIM)
        predicted = mirror.predict(x)
        # alice labels what the model predicts, bob another class
        author, label = (alice, predicted) if step % 2 == 0 else (bob, (predicted + 1) % 3)
        receipt = trainer.addData(x, label, sender=author, value=ONE_ETH)
        mirror.update(x, label)
        added.append((x, label, receipt.timestamp, author))
    chain.mine(deltatime=WAIT_S + 1)

    agreeing = [c for c in added if mirror.predict(c[0]) == c[1]]
    disagreeing = [c for c in added if mirror.predict(c[0]) != c[1]]
    assert agreeing and disagreeing  # the seed exercises both outcomes
    for x, *_ in added:
        assert trainer.predict(x) == mirror.predict(x)

    def other(author):
        return bob if author.address == alice.address else alice

    # while deposits are still on them, reports on data the model agrees with are refused
    for x, label, t, author in agreeing:
        with ape.reverts(trainer.ModelAgrees, prediction=label):
            trainer.report(x, label, t, author, sender=other(author))
    for x, label, t, author in disagreeing:
        with ape.reverts(
            trainer.ModelDisagrees, prediction=mirror.predict(x), classification=label
        ):
            trainer.refund(x, label, t, sender=author)
    for x, label, t, author in agreeing:
        deposit = trainer.getInitialDeposit(x, label, t, author)
        receipt = trainer.refund(x, label, t, sender=author)
        assert receipt.decode_logs(trainer.Refund)[0].amount == deposit

    # a reporter needs a refunded contribution of its own
    validated = {author.address for *_, author in agreeing}
    reports = 0
    for x, label, t, author in disagreeing:
        reporter = other(author)
        if reporter.address not in validated:
            with ape.reverts(trainer.NoValidatedContributions):
                trainer.report(x, label, t, author, sender=reporter)
            continue
        before = trainer.getClaimableAmount(x, label, t, author)
        receipt = trainer.report(x, label, t, author, sender=reporter)
        taken = receipt.decode_logs(trainer.Report)[0].amount
        assert 0 < taken <= before
        assert trainer.getClaimableAmount(x, label, t, author) == before - taken
        reports += 1
    assert reports
