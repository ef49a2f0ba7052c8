"""The simulation off chain: determinism, accounting, rules, the headline scenario."""

from __future__ import annotations

import pytest

from ape_sum.simulation import SimulationError, run_scenario
from ape_sum.simulation.config import AgentSpec, Scenario, parse_agent, to_wei
from ape_sum.simulation.seeds import aggregate, run_seeds

SHORT = Scenario(dataset="breast-cancer", seed=3)


def test_same_seed_same_run_and_other_seed_differs():
    a, b = run_scenario(SHORT), run_scenario(SHORT)
    assert a.outcome.actions == b.outcome.actions
    assert a.summary()["accuracy"] == b.summary()["accuracy"]
    c = run_scenario(SHORT.with_changes(seed=4))
    assert c.outcome.actions != a.outcome.actions


def test_money_is_conserved_and_every_transaction_has_its_own_second(headline):
    out = headline.outcome
    total_start = sum(a.start for a in out.agents)
    total_now = sum(a.balance for a in out.agents)
    assert total_now + out.trainer.held == total_start
    assert out.trainer.held == sum(c.claimable for c in out.trainer.contributions)
    times = [a.time for a in out.actions]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert all(a.amount >= 0 for a in out.actions)


def test_claims_follow_the_rules(headline):
    sc = headline.scenario
    records = headline.outcome.trainer.contributions
    for action in headline.outcome.actions:
        c = records[action.contribution]
        age = action.time - c.added_time
        if action.kind == "refund":
            assert action.agent == c.author and age >= sc.refund_wait_s
        elif action.kind == "report":
            assert age >= sc.refund_wait_s
            if action.agent == c.author:
                assert age >= sc.any_address_claim_wait_s
    assert all(c.claimable == 0 for c in records)  # everything settles by the take-all deadline


def test_headline_scenario_meets_what_the_product_guarantees(headline):
    """The small corpus (rotten-tomatoes, sparse perceptron, seed 0): its ~3,600 contributions
    end before the bad agent runs dry, so only the accuracy target and the direction (good gains
    what bad loses) hold; the research thresholds are met on the research scenario (below). This
    test pins what is guaranteed and the measured figures, so a regression shows."""
    s = headline.summary()
    acc, good, bad = s["accuracy"], s["agents"]["good"], s["agents"]["bad"]
    assert acc["end"] >= acc["start"] - 0.03
    assert good["balance_pct"] > 100 > bad["balance_pct"]
    assert good["balance_pct"] > 125 and bad["balance_pct"] < 75  # seeds 0-2: 137.2 / 62.8 mean
    assert 0 <= acc["min"] <= min(acc["start"], acc["end"]) and 0.5 < acc["baseline"] < 1


def test_headline_research_thresholds():
    """The research scenario (`ape sum simulate --dataset rotten-tomatoes-full`: 1,000 most
    frequent words, 8 % initial training, the rest streamed, the research's agents and waits),
    averaged over three seeds: good > 150 %, bad < 10 %, final accuracy within 3 points of the
    start. Measured (seeds 0-2): good 196.3 %, bad 3.7 %, accuracy 64.1 % -> 61.9 %."""
    runs = run_seeds(Scenario(dataset="rotten-tomatoes-full"), 3, workers=2)
    s = aggregate([summary for summary, _ in runs])
    assert s["seeds"] == [0, 1, 2]
    assert s["agents"]["good"]["balance_pct"] > 150
    assert s["agents"]["bad"]["balance_pct"] < 10
    assert abs(s["accuracy"]["end"] - s["accuracy"]["start"]) <= 0.03


def test_points_mechanism_moves_no_money():
    r = run_scenario(SHORT.with_changes(incentive="points"))
    s = r.summary()
    assert all(a["balance_pct"] == 100 for a in s["agents"].values())
    assert s["agents"]["good"]["points"]["validated"] > 0
    assert {a.kind for a in r.outcome.actions} <= {"add", "refund", "report"}
    assert all(c.num_claims <= 1 for c in r.outcome.trainer.contributions)


def test_cost_formula_prices_out_impatient_agents():
    hasty = AgentSpec("hasty", deposit_mean=1, deposit_spread=0, interval_mean_s=5,
                      interval_spread_s=1)  # fmt: skip
    quick = {"refund_wait_s": 60, "owner_claim_wait_s": 90, "any_address_claim_wait_s": 120}
    r = run_scenario(SHORT.with_changes(agents=(hasty,), max_contributions=30, **quick))
    agent = r.outcome.agents[0]
    assert agent.priced_out > 0
    for action in r.outcome.actions:
        if action.kind == "add":
            assert action.amount <= action.value == to_wei(1)


def test_max_contributions_and_summary_shape():
    s = run_scenario(SHORT.with_changes(max_contributions=25)).summary()
    assert s["samples"]["contributed"] <= 25
    assert set(s["accuracy"]) == {"start", "end", "min", "baseline"}
    assert set(s["agents"]) == {"good", "bad"}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"refund_wait_s": 10, "owner_claim_wait_s": 5, "any_address_claim_wait_s": 20}, "wait"),
        ({"initial_fraction": 1.5}, "initial fraction"),
        ({"agents": ()}, "at least one agent"),
        ({"incentive": "lottery"}, "incentive"),
        ({"cost_weight": -1.0}, "cost weight"),
        ({"agents": (AgentSpec("x", deposit_mean=500, start_balance=100),)}, "start balance"),
    ],
)
def test_impossible_parameters_are_refused(changes, message):
    with pytest.raises(SimulationError, match=message):
        Scenario(**changes).validate()


def test_agent_specs():
    a = parse_agent("bad2,deposit=80:5,interval=1800")
    assert not a.good and a.deposit_mean == 80 and a.interval_spread_s == 180
    assert parse_agent("alice,mistakes=0.1").good
    with pytest.raises(SimulationError, match="unknown setting"):
        parse_agent("x,colour=red")
    with pytest.raises(SimulationError, match="number"):
        parse_agent("x,deposit=lots")


def test_wrong_model_for_the_data_is_refused():
    with pytest.raises(SimulationError, match="dense"):
        run_scenario(Scenario(dataset="breast-cancer", model="sparse perceptron"))
