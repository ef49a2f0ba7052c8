"""Stateful invariant testing: Hypothesis drives the real contracts with random sequences of
addData (random accounts, deposits, labels, data), predict, refund, report, owner take,
any-address take and time travel, for both incentive mechanisms and for the sparse perceptron
and naive Bayes. The off-chain mirrors (`ape_sum.core.models`, `ape_sum.core.incentives`)
predict every outcome; after every step the chain must agree with them:

* the trainer's balance equals the sum of claimable deposits;
* every account's balance moved by exactly what the rules entitle it to, minus its fees, so the
  total of all balances (plus fees) is conserved;
* the contract predicts exactly what the mirror model predicts;
* `totalSubmitted`, `totalGoodDataCount`, `numValidForAddress` (and the points) match;
* every refused action was refused with the custom error the mirror's rules name
  (`RuleViolation.code` / `ModelInputError.error`), and every allowed one succeeded.

Bounded by default (`APE_SUM_INVARIANT_EXAMPLES` sequences of at most `APE_SUM_INVARIANT_STEPS`
steps per combination); raise both for a long run. Each sequence starts from a chain snapshot.
The totals are printed at the end of the session.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from typing import Any

import pytest
from ape.exceptions import ContractLogicError
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from support.security import (
    ANY_ADDRESS_CLAIM_WAIT_S,
    COST_WEIGHT,
    DEPOSIT,
    INVARIANT_STATS,
    OWNER_CLAIM_WAIT_S,
    POINTS,
    REFUND_WAIT_S,
    BatchReader,
    deploy_system,
    quiet_revert_traces,
)

from ape_sum.core import incentives
from ape_sum.core.models import ModelInputError, NaiveBayes, SparsePerceptron

EXAMPLES = int(os.environ.get("APE_SUM_INVARIANT_EXAMPLES", "3"))
STEPS = int(os.environ.get("APE_SUM_INVARIANT_STEPS", "10"))
SHRINK = os.environ.get("APE_SUM_INVARIANT_SHRINK", "") not in ("", "0")
PHASES = list(Phase) if SHRINK else [Phase.explicit, Phase.reuse, Phase.generate]
NUM_FEATURES = 8
ONE = 10**9
NUM_ACTORS = 4  # users[0..3]; the owner also acts (owner take)
#: Explicit EIP-1559 fees: py-evm's base fee moves as blocks are mined and restored, and Ape's
#: estimate can fall behind it; fees actually paid are read from each receipt.
FEES = {"max_fee": 100 * 10**9, "max_priority_fee": 0}
PROBES = [[0], [1, 2], [3, 4], [5, 6, 7], list(range(NUM_FEATURES))]


def sparse_perceptron() -> SparsePerceptron:
    weights = [ONE // 2, -ONE // 2, 0, ONE, -ONE, 0, ONE // 4, -ONE // 4]
    return SparsePerceptron(["neg", "pos"], NUM_FEATURES, 0, ONE, weights)


def naive_bayes() -> NaiveBayes:
    return NaiveBayes(
        ["a", "b", "c"], NUM_FEATURES, ONE, [1, 1, 1], [{0: 1, 3: 1}, {1: 1, 4: 1}, {2: 1, 5: 1}]
    )


MODELS: dict[str, Callable[[], Any]] = {
    "sparse-perceptron": sparse_perceptron,
    "naive-bayes": naive_bayes,
}

# Canonical inputs: sorted, unique, non-empty (the contracts refuse anything else).
indices = st.lists(st.integers(0, NUM_FEATURES - 1), min_size=1, max_size=6, unique=True).map(
    sorted
)
# Refused inputs: out of range, duplicated, unsorted, empty, longer than any model allows.
bad_indices = st.one_of(
    st.lists(st.integers(-3, NUM_FEATURES + 3), min_size=1, max_size=4).filter(
        lambda xs: any(not 0 <= x < NUM_FEATURES for x in xs)
    ),
    st.lists(st.integers(0, NUM_FEATURES - 1), min_size=2, max_size=6).filter(
        lambda xs: any(a >= b for a, b in itertools.pairwise(xs))
    ),
    st.just([]),
    st.just([*list(range(NUM_FEATURES)), 0]),
)
gaps = st.one_of(
    st.integers(1, 20), st.sampled_from([REFUND_WAIT_S, REFUND_WAIT_S, OWNER_CLAIM_WAIT_S])
)
jumps = st.sampled_from(
    [1, REFUND_WAIT_S // 2, REFUND_WAIT_S, OWNER_CLAIM_WAIT_S, ANY_ADDRESS_CLAIM_WAIT_S]
)


class Harness:
    """Everything a state machine needs that outlives one Hypothesis example."""

    def __init__(self, chain, system, model_factory, actors, owner, error_name, combo, reader):
        self.chain = chain
        self.reader = reader
        self.system = system
        self.model_factory = model_factory
        self.actors = actors
        self.owner = owner
        self.error_name = error_name
        self.combo = combo
        self.snapshot = chain.snapshot()


class SumMachine(RuleBasedStateMachine):
    """One random sequence of protocol actions against one deployed trainer."""

    harness: Harness

    def __init__(self) -> None:
        super().__init__()
        h = self.harness
        h.chain.restore(h.snapshot)
        h.snapshot = h.chain.snapshot()
        self.chain, self.s = h.chain, h.system
        self.model = h.model_factory()
        mech = self.s.mechanism
        waits = (REFUND_WAIT_S, OWNER_CLAIM_WAIT_S, ANY_ADDRESS_CLAIM_WAIT_S)
        deployed_at = int(mech.deployedAt())
        if self.s.kind == DEPOSIT:
            self.im = incentives.DepositRefundTake(
                COST_WEIGHT, *waits, owner=h.owner.address, deployed_at=deployed_at
            )
        else:
            self.im = incentives.Points(*waits, owner=h.owner.address, deployed_at=deployed_at)
        self.im.last_update_time = int(mech.lastUpdateTime())
        self.people = [*h.actors, h.owner]
        self.expected = {p.address: int(p.balance) for p in self.people}
        self.trainer_expected = int(self.s.trainer.balance)
        self.contributions: list[incentives.Contribution] = []
        stats = INVARIANT_STATS.setdefault(
            h.combo, {"sequences": 0, "steps": 0, "refused": {}, "succeeded": {}}
        )
        stats["sequences"] += 1
        self.stats = stats

    # ------------------------------------------------------------------ plumbing

    def _next_time(self, gap: int) -> int:
        """The timestamp the next transaction will be mined at: `gap` seconds after the head, or
        later if the node's pending block is already later (py-evm follows the wall clock)."""
        head = int(self.chain.blocks.head.timestamp)
        return max(head + gap, int(self.chain.pending_timestamp) + 2)

    def _send(self, action: str, sender, method, *args, value: int = 0, t: int):
        """Send a transaction mined exactly at `t`; returns (receipt, t, error name or None).
        Fees are charged to `sender`."""
        self.chain.pending_timestamp = t
        receipt = method(*args, sender=sender, value=value, raise_on_revert=False, **FEES)
        mined_at = int(self.chain.blocks[receipt.block_number].timestamp)
        assert mined_at == t, f"{action} mined at {mined_at}, expected {t}"
        self.expected[sender.address] -= int(receipt.total_fees_paid or 0)
        error = self.harness.error_name(receipt.error) if receipt.failed else None
        self.stats["steps"] += 1
        bucket = "refused" if error else "succeeded"
        key = f"{action}:{error}" if error else action
        self.stats[bucket][key] = self.stats[bucket].get(key, 0) + 1
        return receipt, t, error

    def _prediction(self, data: list[int]) -> int:
        expected = self.model.predict(data)
        _, (got,) = self.harness.reader.read([], [("trainer", "predict", (data,))])
        assert got == expected, f"predict({data})"
        return expected

    @staticmethod
    def _expect(error: str | None, expected: str | None, what: str) -> None:
        assert error == expected, f"{what}: chain said {error}, the rules say {expected}"

    # ------------------------------------------------------------------ rules

    @rule(
        who=st.integers(0, NUM_ACTORS - 1),
        data=st.one_of(indices, indices, indices, bad_indices),
        label=st.sampled_from([0, 0, 1, 1, 2, 3]),  # 2 and 3: unknown classes for some models
        extra=st.sampled_from([0, 0, 1, 10**15, -1]),
        gap=gaps,
    )
    def add_data(self, who: int, data: list[int], label: int, extra: int, gap: int) -> None:
        sender = self.harness.actors[who]
        t = self._next_time(gap)
        cost = self.im.next_add_data_cost(t)
        value = max(cost + extra, 0)
        expected: str | None = None
        if value < cost:
            expected = "InsufficientDeposit"
        else:
            try:
                self.model.copy().update(data, label)
            except ModelInputError as err:
                expected = err.error
        receipt, t, error = self._send(
            "addData", sender, self.s.trainer.addData, data, label, value=value, t=t
        )
        self._expect(error, expected, f"addData({data}, {label}, value={value})")
        if error:
            return
        kept = self.im.add_data(sender.address, value, t)
        self.model.update(data, label)
        log = next(iter(receipt.decode_logs(self.s.trainer.AddData)))
        assert int(log.cost) == kept and int(log.t) == t and list(log.d) == data
        self.contributions.append(
            incentives.Contribution(sender.address, label, t, kept, kept, data=tuple(data))
        )
        self.expected[sender.address] -= kept
        self.trainer_expected += kept

    @initialize(who=st.integers(0, NUM_ACTORS - 1), data=indices, label=st.integers(0, 1))
    def first_contribution(self, who: int, data: list[int], label: int) -> None:
        """Every sequence starts with one valid contribution, so claims have a target."""
        self.add_data(who, data, label, 0, 1)

    @rule(data=st.one_of(indices, bad_indices))
    def predict(self, data: list[int]) -> None:
        try:
            expected: int | str = self.model.predict(data)
        except ModelInputError as err:
            expected = err.error
        try:
            got: int | str = int(self.s.trainer.predict(data))
        except ContractLogicError as err:
            got = self.harness.error_name(err)
        assert got == expected, f"predict({data})"
        self.stats["steps"] += 1

    def _claim(self, kind: str, claimer, index: int, gap: int) -> None:
        c = self.contributions[index % len(self.contributions)]
        data = list(c.data)
        t = self._next_time(gap)
        prediction = self._prediction(data)
        try:
            if kind == "refund":
                amount = self.im.check_refund(c, claimer.address, t, prediction)
            else:
                amount = self.im.check_report(c, claimer.address, t, prediction)
            expected = None
        except incentives.RuleViolation as violation:
            expected, amount = violation.code, 0
        if kind == "refund":
            call = (self.s.trainer.refund, data, c.classification, c.added_time)
        else:
            call = (self.s.trainer.report, data, c.classification, c.added_time, c.author)
        _, t2, error = self._send(kind, claimer, *call, t=t)
        assert t2 == t
        self._expect(error, expected, f"{kind} by {claimer} of {c}")
        if error:
            return
        if kind == "refund":
            assert self.im.refund(c, claimer.address, t, prediction) == amount
        else:
            assert self.im.report(c, claimer.address, t, prediction) == amount
        self.expected[claimer.address] += amount
        self.trainer_expected -= amount

    @precondition(lambda self: self.contributions)
    @rule(index=st.integers(0, 10**6), gap=gaps, stranger=st.booleans())
    def refund(self, index: int, gap: int, stranger: bool) -> None:
        c = self.contributions[index % len(self.contributions)]
        authors = [a for a in self.harness.actors if a.address == c.author]
        others = [a for a in self.harness.actors if a.address != c.author]
        claimer = others[index % len(others)] if stranger or not authors else authors[0]
        self._claim("refund", claimer, index, gap)

    @precondition(lambda self: self.contributions)
    @rule(index=st.integers(0, 10**6), who=st.integers(0, NUM_ACTORS - 1), gap=gaps)
    def report(self, index: int, who: int, gap: int) -> None:
        self._claim("report", self.harness.actors[who], index, gap)

    @precondition(lambda self: self.contributions)
    @rule(index=st.integers(0, 10**6), gap=gaps)
    def owner_take(self, index: int, gap: int) -> None:
        self._claim("report", self.harness.owner, index, gap)

    @precondition(lambda self: self.contributions)
    @rule(index=st.integers(0, 10**6), who=st.integers(0, NUM_ACTORS - 1))
    def any_address_take(self, index: int, who: int) -> None:
        """A take after the any-address deadline of that contribution (the author included)."""
        c = self.contributions[index % len(self.contributions)]
        head = int(self.chain.blocks.head.timestamp)
        gap = max(1, c.added_time + ANY_ADDRESS_CLAIM_WAIT_S - head)
        self._claim("report", self.harness.actors[who], index, gap)

    @rule(seconds=jumps)
    def time_travel(self, seconds: int) -> None:
        self.chain.mine(deltatime=seconds)
        self.stats["steps"] += 1

    # ------------------------------------------------------------------ invariants

    @invariant()
    def state_matches_mirror(self) -> None:
        """Balances, records, counters and predictions, read in ONE batched call."""
        people = [p.address for p in self.people]
        calls: list[tuple[str, str, tuple]] = [
            ("mechanism", "totalSubmitted", ()),
            ("mechanism", "totalGoodDataCount", ()),
        ]
        calls += [("mechanism", "numValidForAddress", (a,)) for a in people]
        if self.s.kind == POINTS:
            calls += [("mechanism", "getPoints", (a,)) for a in people]
        calls += [
            (
                "trainer",
                "getClaimableAmount",
                (list(c.data), c.classification, c.added_time, c.author),
            )
            for c in self.contributions
        ]
        calls += [("trainer", "predict", (probe,)) for probe in PROBES]
        balances, results = self.harness.reader.read([*people, self.s.trainer.address], calls)
        values = iter(results)

        # Money: the trainer holds exactly the claimable deposits; everyone else got exactly
        # what the rules entitle them to (so the total, fees included, is conserved).
        claimable = sum(c.claimable for c in self.contributions)
        assert balances[-1] == self.trainer_expected == claimable
        for address, balance in zip(people, balances[:-1], strict=True):
            assert balance == self.expected[address], address
        # Counters.
        assert next(values) == self.im.total_submitted
        assert next(values) == self.im.total_good_data_count
        for address in people:
            assert next(values) == self.im.num_valid_for(address), address
        if self.s.kind == POINTS:
            for address in people:
                assert tuple(next(values)) == self.im.points(address), address
        # Records.
        for c in self.contributions:
            assert next(values) == c.claimable, c
        # Model.
        for probe in PROBES:
            assert next(values) == self.model.predict(probe), probe


@pytest.mark.parametrize("kind", [DEPOSIT, POINTS])
@pytest.mark.parametrize("model_name", sorted(MODELS))
def test_protocol_invariants(project, chain, owner, users, error_name, kind, model_name):
    system = deploy_system(project, owner, MODELS[model_name](), kind)
    batch = project.ViewBatch.deploy(sender=owner)
    contracts = {"trainer": system.trainer, "mechanism": system.mechanism}
    reader = BatchReader(chain, batch, contracts, caller=users[-1])
    combo = f"{kind}/{model_name}"
    machine = type(
        f"SumMachine_{kind}_{model_name.replace('-', '_')}",
        (SumMachine,),
        {"harness": Harness(chain, system, MODELS[model_name], users[:NUM_ACTORS], owner,
                            error_name, combo, reader)},
    )  # fmt: skip
    with quiet_revert_traces():
        from hypothesis.stateful import run_state_machine_as_test

        run_state_machine_as_test(
            machine,
            settings=settings(
                max_examples=EXAMPLES,
                stateful_step_count=STEPS,
                deadline=None,
                database=None,
                # Shrinking replays whole sequences on chain: minutes. The failing sequence is
                # printed in full anyway; set APE_SUM_INVARIANT_SHRINK=1 to shrink it.
                phases=PHASES,
                suppress_health_check=list(HealthCheck),
            ),
        )
    assert INVARIANT_STATS[combo]["sequences"] >= 1
