"""A short run replayed through the real contracts equals the mirror run exactly."""

from __future__ import annotations

from ape_sum.simulation.config import AgentSpec, Scenario
from ape_sum.simulation.replay import replay_on_chain

# Short waits so that refunds, reports and takes all happen within ~20 contributions.
SCENARIO = Scenario(
    seed=5, vocabulary=64, max_contributions=18, refund_wait_s=1800,
    owner_claim_wait_s=2 * 3600, any_address_claim_wait_s=3 * 3600, eval_interval_s=3600,
    agents=(
        AgentSpec("good", interval_mean_s=600, interval_spread_s=60, mistake_prob=0.0),
        AgentSpec("bad", good=False, deposit_mean=100, deposit_spread=3, interval_mean_s=900,
                  interval_spread_s=60, only_while_useful=False),
    ),
)  # fmt: skip


def test_replay_equals_mirror(networks):
    report, result = replay_on_chain(
        SCENARIO, test_predictions=20
    )  # raises ReplayMismatch on any difference
    kinds = [a.kind for a in result.outcome.actions]
    assert report["transactions"] == len(kinds) and report["contributions"] >= 10
    assert "refund" in kinds and "report" in kinds
    assert report["predictions_compared"] > 0
