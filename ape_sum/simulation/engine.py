"""The event loop: agents act at random times; each action is one or more transactions.

Simulated time is in whole seconds, like block timestamps. Every transaction gets its own
second (`max(event time, previous transaction + 1)`), so the same run can be replayed block by
block on a chain. Agents check every transaction with the mirrors before "sending" it (as a
careful user would with a free `eth_call`), so only transactions that succeed are sent and
logged.

When an agent acts it:
1. contributes the next unused training sample (a good agent labels it correctly except with
   its mistake probability, and only with probability `accuracy + margin` when it contributes
   only while the model is useful; a bad agent flips the label), paying a deposit drawn from its
   deposit distribution when that covers the current cost and its balance;
2. asks for refunds of its own contributions the model now agrees with (after the refund wait);
3. reports others' contributions the model now disagrees with (deposit IM: once it has a
   validated contribution);
4. takes whatever is left on contributions past the take-all deadline.
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ape_sum.core.metrics import accuracy
from ape_sum.simulation.config import Scenario, SimulationError, expand_accounts, to_wei
from ape_sum.simulation.market import Contribution, MirrorTrainer, RuleViolation

OWNER = "deployer:owner"
"""The trainer owner's identity in the mirror (not an agent; it never acts)."""
Sample = tuple[list[int], int]
ProgressCallback = Callable[[int, int], None]


class Model:  # pragma: no cover - documentation of the protocol the engine uses
    kind: str
    noop_when_right: bool

    def predict(self, data: Sequence[int]) -> int: ...

    def update(self, data: Sequence[int], classification: int) -> None: ...


@dataclass
class AgentState:
    name: str
    good: bool
    start: int
    balance: int
    spec: Any
    contributed: int = 0
    deposits_paid: int = 0
    refunds: int = 0
    refunded: int = 0
    reports: int = 0
    reported: int = 0
    takes: int = 0
    taken: int = 0
    priced_out: int = 0
    not_useful: int = 0
    broke: int = 0
    mistakes: int = 0
    group: str = ""
    """The agent spec this account belongs to (a sybil's accounts share it)."""
    exhausted_time: int | None = None
    """When the agent first could not pay its deposit (its money ran out), if ever."""

    @property
    def balance_pct(self) -> float:
        return 100.0 * self.balance / self.start if self.start else 0.0


@dataclass(frozen=True)
class Action:
    """One successful transaction, for the on-chain replay."""

    time: int
    agent: str
    kind: str  # "add", "refund", "report"
    contribution: int
    value: int = 0
    amount: int = 0


@dataclass
class SeriesPoint:
    time: int
    accuracy: float
    balances: dict[str, int]
    contributions: int
    points: dict[str, tuple[int, int]] | None = None
    """Points mechanism: (validated contributions, successful reports) per agent."""


@dataclass
class RunOutcome:
    agents: list[AgentState]
    actions: list[Action]
    series: list[SeriesPoint]
    trainer: MirrorTrainer
    start_time: int
    end_time: int
    samples_used: int
    stalled: bool
    wall_seconds: float
    evaluations: int = 0
    predictions: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class Simulation:
    """One run of a scenario over prepared data with a model mirror and a mechanism mirror."""

    def __init__(
        self,
        scenario: Scenario,
        model: Any,
        mechanism: Any,
        stream: Sequence[Sample],
        test: Sequence[Sample],
        *,
        num_classes: int,
        start_time: int,
        progress: ProgressCallback | None = None,
    ) -> None:
        scenario.validate()
        if not test:
            raise SimulationError("the held-out test set is empty")
        self.scenario = scenario
        self.model = model
        self.trainer = MirrorTrainer(mechanism)
        self.stream = list(stream)
        if scenario.max_contributions is not None:
            self.stream = self.stream[: scenario.max_contributions]
        self.test = list(test)
        self.num_classes = num_classes
        self.start_time = start_time
        self.progress = progress
        self.rng = random.Random(scenario.seed)
        self.deposit_im = scenario.mechanism.has_deposits
        # Whether `update` changes nothing when the model already predicts the label.
        self.noop_when_right = bool(getattr(model, "noop_when_right", False))
        self.model_version = 0
        self.predict_valid = getattr(model, "predict_valid", model.predict)
        self._flat_test = self._flatten_test()
        self.last_tx = start_time
        self.next_sample = 0
        self.open: list[Contribution] = []
        self.actions: list[Action] = []
        self.series: list[SeriesPoint] = []
        self.accuracy = 0.0
        self.evaluations = 0
        self.predictions = 0
        self.agents = [
            AgentState(
                a.name, a.good, to_wei(a.start_balance), to_wei(a.start_balance), a, group=group
            )
            for a, group in expand_accounts(scenario.agents)
        ]
        self.front_runners = [i for i, a in enumerate(self.agents) if a.spec.kind == "front-runner"]
        self.queue: list[tuple[int, int, int, bool]] = []
        self.seq = 0

    # ------------------------------------------------------------------ helpers

    def evaluate(self) -> float:
        # Held-out vectors come from the encoder and were checked once when the data was built.
        self.evaluations += 1
        self.predictions += len(self.test)
        if self._flat_test is not None:
            flat, starts, labels = self._flat_test
            correct = int((self.model.predict_flat(flat, starts) == labels).sum())
            return correct / len(self.test)
        predict = self.predict_valid
        return accuracy((predict(data) for data, _ in self.test), (label for _, label in self.test))

    def _flatten_test(self) -> tuple[Any, Any, Any] | None:
        """The held-out set end to end for a model that predicts many at once (None: one by one)."""
        if not hasattr(self.model, "predict_flat") or any(not data for data, _ in self.test):
            return None
        import numpy as np

        lengths = [len(data) for data, _ in self.test]
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        flat = np.fromiter((i for data, _ in self.test for i in data), dtype=np.int64)
        labels = np.asarray([label for _, label in self.test], dtype=np.int64)
        return flat, starts, labels

    def _record(self, now: int) -> None:
        if self.series:
            now = max(now, self.series[-1].time)  # count-based points use transaction times
        balances = {a.name: a.balance for a in self.agents}
        count = len(self.trainer.contributions)
        points = None
        if not self.deposit_im:
            mechanism = self.trainer.mechanism
            points = {a.name: tuple(mechanism.points(a.name)) for a in self.agents}
        self.series.append(SeriesPoint(now, self.accuracy, balances, count, points))

    def _wait(self, agent: AgentState) -> int:
        spec = agent.spec
        for _ in range(1000):
            wait = round(self.rng.normalvariate(spec.interval_mean_s, spec.interval_spread_s))
            if wait >= 1:
                return wait
        return max(1, round(spec.interval_mean_s))

    def _deposit(self, agent: AgentState) -> int:
        spec = agent.spec
        for _ in range(1000):
            value = self.rng.normalvariate(spec.deposit_mean, spec.deposit_spread)
            if value > 0:
                return to_wei(value)
        return to_wei(spec.deposit_mean)

    def _prediction(self, c: Contribution) -> int:
        if c.cached_version != self.model_version:
            # Contributed data passed the model's checks when it was added.
            c.cached_prediction = self.predict_valid(c.data)
            c.cached_version = self.model_version
            self.predictions += 1
        return c.cached_prediction

    def _tx_time(self, event_time: int) -> int:
        return max(event_time, self.last_tx + 1)

    def _log(self, now: int, agent: str, kind: str, cid: int, value: int, amount: int) -> None:
        self.last_tx = now
        self.actions.append(Action(now, agent, kind, cid, value, amount))

    # ------------------------------------------------------------------ actions

    def _contribute(self, agent: AgentState, event_time: int) -> None:
        if self.next_sample >= len(self.stream):
            return
        spec = agent.spec
        data, label = self.stream[self.next_sample]
        sample = self.next_sample
        if spec.kind == "copycat":
            source = self._copy_source(agent)
            if source is None:
                return
            data, label, sample = list(source.data), source.classification, source.sample
        roll = self.rng.random()
        if spec.kind == "copycat":
            pass
        elif agent.good:
            if spec.only_while_useful and roll >= self.accuracy + self.scenario.usefulness_margin:
                agent.not_useful += 1
                return
            if spec.mistake_prob > 0 and self.rng.random() < spec.mistake_prob:
                label = self._other_label(label)
                agent.mistakes += 1
        else:
            label = self._other_label(label)
        value = self._deposit(agent) if self.deposit_im else 0
        if value > agent.balance:
            agent.broke += 1
            if agent.exhausted_time is None:
                agent.exhausted_time = event_time
            return
        now = self._tx_time(event_time)
        if self.trainer.next_cost(now) > value:
            agent.priced_out += 1
            return
        changes = True
        if self.noop_when_right:
            self.predictions += 1
            changes = self.model.predict(data) != label
        record = self.trainer.add_data(agent.name, value, sample, data, label, now)
        self.model.update(data, label)
        if changes:
            self.model_version += 1
        agent.balance -= record.initial_deposit
        agent.deposits_paid += record.initial_deposit
        agent.contributed += 1
        self.open.append(record)
        self._log(now, agent.name, "add", record.cid, value, record.initial_deposit)
        for index in self.front_runners:
            if self.agents[index] is not agent:  # claims open after the refund wait
                self._push(now + self.scenario.refund_wait_s, index, claims_only=True)
        if spec.kind == "copycat":
            return
        self.next_sample += 1
        if self.progress is not None:
            self.progress(self.next_sample, len(self.stream))

    def _copy_source(self, agent: AgentState) -> Contribution | None:
        """The latest contribution of another agent whose label the model now predicts."""
        records = self.trainer.contributions
        for c in reversed(records[-50:]):
            if c.author != agent.name and self._prediction(c) == c.classification:
                return c
        return None

    def _push(self, time: int, index: int, *, claims_only: bool = False) -> None:
        heapq.heappush(self.queue, (time, self.seq, index, claims_only))
        self.seq += 1

    def _other_label(self, label: int) -> int:
        if self.num_classes == 2:
            return 1 - label
        return (label + 1 + self.rng.randrange(self.num_classes - 1)) % self.num_classes

    def _claims(self, agent: AgentState, event_time: int) -> None:
        sc = self.scenario
        name = agent.name
        can_report = (not self.deposit_im) or self.trainer.num_valid(name) > 0
        settled = 0
        for c in self.open:
            if self._settled(c):
                settled += 1
                continue
            now = self._tx_time(event_time)
            age = now - c.added_time
            if age < sc.refund_wait_s:
                break
            if self.deposit_im and age >= sc.any_address_claim_wait_s:
                kind = "report"
            elif c.author == name:
                if c.author_claimed:
                    continue
                kind = "refund"
            elif c.has_claimed(name) or not can_report:
                continue
            else:
                kind = "report"
            prediction = self._prediction(c)
            if kind == "refund" and prediction != c.classification:
                continue
            if (
                kind == "report"
                and age < sc.any_address_claim_wait_s
                and prediction == c.classification
            ):
                continue
            try:
                if kind == "refund":
                    amount = self.trainer.refund(c, name, prediction, now)
                    agent.refunds += 1
                    agent.refunded += amount
                    if self.deposit_im and not can_report:
                        can_report = self.trainer.num_valid(name) > 0
                else:
                    amount = self.trainer.report(c, name, prediction, now)
                    if age >= sc.any_address_claim_wait_s:
                        agent.takes += 1
                        agent.taken += amount
                    else:
                        agent.reports += 1
                        agent.reported += amount
            except RuleViolation:
                continue
            agent.balance += amount
            self._log(now, name, kind, c.cid, 0, amount)
            if self._settled(c):
                settled += 1
        if settled > 64 and settled * 4 > len(self.open):
            self.open = [c for c in self.open if not self._settled(c)]

    def _settled(self, c: Contribution) -> bool:
        return c.claimable == 0 if self.deposit_im else c.num_claims > 0

    # ------------------------------------------------------------------ loop

    def run(self) -> RunOutcome:
        started = time.perf_counter()
        sc = self.scenario
        self.accuracy = self.evaluate()
        self._record(self.start_time)
        queue = self.queue
        for i, agent in enumerate(self.agents):
            self._push(self.start_time + self._wait(agent), i)
        next_eval = self.start_time + sc.eval_interval_s
        every = sc.eval_every_contributions or max(1, len(self.stream) // 100)
        next_count_eval = every
        longest = max(a.spec.max_interval_s() for a in self.agents)
        patience = sc.any_address_claim_wait_s + 2 * longest + sc.refund_wait_s
        last_added = self.start_time
        stalled = False
        now = self.start_time
        while queue:
            event_time, _, index, claims_only = heapq.heappop(queue)
            now = max(event_time, now)
            if now >= next_eval:
                self.accuracy = self.evaluate()
                self._record(now)
                while next_eval <= now:
                    next_eval += sc.eval_interval_s
            exhausted = self.next_sample >= len(self.stream)
            if now - last_added > patience:
                # Nothing was contributed for longer than any claim can take: whatever is still
                # open stays open (points IM) and no agent can contribute any more.
                stalled = not exhausted
                break
            agent = self.agents[index]
            if claims_only:
                self._claims(agent, event_time)
                continue
            before = len(self.trainer.contributions)
            self._contribute(agent, event_time)
            if len(self.trainer.contributions) != before:
                last_added = self.last_tx
                if self.next_sample >= next_count_eval:
                    self.accuracy = self.evaluate()
                    self._record(self.last_tx)
                    next_count_eval += every
            self._claims(agent, event_time)
            if exhausted and not any(not self._settled(c) for c in self.open):
                break
            self._push(event_time + self._wait(agent), index)
        end = max(now, self.last_tx)
        self.accuracy = self.evaluate()
        self._record(end)
        return RunOutcome(
            agents=self.agents,
            actions=self.actions,
            series=self.series,
            trainer=self.trainer,
            start_time=self.start_time,
            end_time=end,
            samples_used=self.next_sample,
            stalled=stalled,
            wall_seconds=time.perf_counter() - started,
            evaluations=self.evaluations,
            predictions=self.predictions,
        )
