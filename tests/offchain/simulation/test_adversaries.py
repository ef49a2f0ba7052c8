"""Adversaries as agent kinds: copycat, front-running reporter, sybil farmer."""

from __future__ import annotations

import pytest

from ape_sum.simulation import SimulationError, run_scenario
from ape_sum.simulation.config import Scenario, default_agents, parse_agent

GOOD = default_agents()[0]


def scenario(spec: str) -> Scenario:
    return Scenario(seed=2, max_contributions=300, agents=(GOOD, parse_agent(spec)))


def test_kinds_parse_and_bad_ones_are_refused():
    sybil = parse_agent("s,kind=sybil,accounts=3,deposit=30:5")
    assert (sybil.kind, sybil.accounts, sybil.good, sybil.only_while_useful) == (
        "sybil",
        3,
        True,
        False,
    )
    assert not sybil.honest and GOOD.honest
    with pytest.raises(SimulationError, match="unknown kind 'whale'"):
        parse_agent("w,kind=whale")
    with pytest.raises(SimulationError, match=r"> 1: sybils only"):
        parse_agent("c,kind=copycat,accounts=2")
    with pytest.raises(SimulationError, match="whole number"):
        parse_agent("s,kind=sybil,accounts=2.5")


def test_money_is_conserved_with_every_adversary():
    for spec in ("c,kind=copycat", "f,kind=front-runner", "s,kind=sybil,accounts=3"):
        out = run_scenario(scenario(spec)).outcome
        assert sum(a.balance for a in out.agents) + out.trainer.held == sum(
            a.start for a in out.agents
        )


def test_copycat_resubmits_data_the_model_agrees_with_and_consumes_no_sample():
    result = run_scenario(scenario("cc,kind=copycat,interval=900"))
    records = result.outcome.trainer.contributions
    copies = [c for c in records if c.author == "cc"]
    originals = {(c.data, c.classification) for c in records if c.author == "good"}
    assert len(copies) > 50
    assert all((c.data, c.classification) in originals for c in copies)
    assert result.outcome.samples_used == sum(c.author == "good" for c in records) == 300


def test_front_runner_claims_the_second_a_claim_opens():
    result = run_scenario(scenario("fr,kind=front-runner"))
    records = result.outcome.trainer.contributions
    wait = result.scenario.refund_wait_s
    take = result.scenario.any_address_claim_wait_s
    claims = [a for a in result.outcome.actions if a.agent == "fr" and a.kind == "report"]
    ages = sorted(a.time - records[a.contribution].added_time for a in claims)
    ages = [age for age in ages if age < take]  # reports, not take-alls after the deadline
    assert len(ages) > 10 and ages[0] >= wait
    assert ages[len(ages) // 2] <= wait + 2  # most within two seconds of the opening


def test_sybil_accounts_are_agents_of_one_group():
    s = run_scenario(scenario("syb,kind=sybil,accounts=3,deposit=30:5,interval=2400")).summary()
    names = [n for n, a in s["agents"].items() if a["group"] == "syb"]
    assert names == ["syb.1", "syb.2", "syb.3"]
    assert all(s["agents"][n]["kind"] == "sybil" for n in names)
    group = s["groups"]["syb"]
    assert group["accounts"] == 3 and group["start_balance"] == 30_000
    assert group["balance"] == pytest.approx(sum(s["agents"][n]["balance"] for n in names))
