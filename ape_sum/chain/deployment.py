"""Chunked, resumable deployment of a model: classifier (+ init chunks), incentive, trainer.

Every finished step is written to the registry before the next one starts, and each step checks the
chain before acting, so a deployment interrupted half way (a failed chunk, a dropped connection,
Ctrl-C) is finished by running it again with the same name instead of being redone from scratch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

# `container` lives in `chain.contracts`; re-exported for callers that import it from here.
from ape_sum.chain.contracts import container
from ape_sum.chain.registry import DeploymentRecord, Registry
from ape_sum.core.incentives import IncentiveKind, IncentiveKindError, waits_ordered
from ape_sum.exceptions import SumError

if TYPE_CHECKING:
    from ape.api import AccountAPI
    from ape.contracts import ContractInstance

    from ape_sum.core.models import Classifier

ProgressCallback = Callable[[str, int, int], None]


class DeploymentError(SumError, RuntimeError):
    """A deployment step failed; the record keeps what was done so far."""


@dataclass(frozen=True)
class IncentiveConfig:
    kind: IncentiveKind | str = IncentiveKind.DEPOSIT
    """An `IncentiveKind` (or its name: `deposit`, `points`)."""
    refund_wait_s: int = 24 * 3600
    owner_claim_wait_s: int = 7 * 24 * 3600
    any_address_claim_wait_s: int = 9 * 24 * 3600
    cost_weight: int = 10**15

    @property
    def mechanism(self) -> IncentiveKind:
        """The kind as an `IncentiveKind` (`DeploymentError` when it names none)."""
        try:
            return IncentiveKind.parse(self.kind)
        except IncentiveKindError as err:
            raise DeploymentError(str(err)) from None

    def validate(self) -> None:
        mechanism = self.mechanism
        waits = (self.refund_wait_s, self.owner_claim_wait_s, self.any_address_claim_wait_s)
        if min(waits) < 0:
            raise DeploymentError("wait times cannot be negative")
        if not waits_ordered(*waits):
            from ape_sum.core.refusals import refusal

            raise DeploymentError(refusal("InvalidWaitTimes", *waits))
        if mechanism.has_deposits and self.cost_weight < 0:
            raise DeploymentError("the cost weight cannot be negative")

    def constructor_args(self) -> list[int]:
        return self.mechanism.constructor_args(
            self.refund_wait_s, self.owner_claim_wait_s, self.any_address_claim_wait_s,
            self.cost_weight,
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.mechanism.value,
            "refund_wait_s": self.refund_wait_s,
            "owner_claim_wait_s": self.owner_claim_wait_s,
            "any_address_claim_wait_s": self.any_address_claim_wait_s,
            "cost_weight": self.cost_weight,
        }


def deploy_model(
    model: Classifier,
    encoder_spec: str,
    *,
    name: str,
    description: str,
    incentive: IncentiveConfig,
    sender: AccountAPI,
    registry: Registry,
    chunk_size: int | None = None,
    progress: ProgressCallback | None = None,
) -> DeploymentRecord:
    """Deploy (or finish deploying) a model under `name` and return its complete record."""
    from ape import chain, networks

    incentive.validate()
    network = networks.provider.network_choice
    chain_id = chain.chain_id
    record = registry.get(name, network, chain_id)
    if record is not None and record.complete:
        raise DeploymentError(f"a deployment named '{name}' already exists on {network}")
    if record is None:
        record = DeploymentRecord(
            name=name, network=network, chain_id=chain_id, model_type=model.kind,
            incentive=incentive.to_json(), deployer=sender.address,
            description=description, encoder=encoder_spec,
        )  # fmt: skip
    elif record.model_type != model.kind:
        raise DeploymentError(
            f"cannot resume '{name}': it was started for a {record.model_type}, not a {model.kind}"
        )
    report = progress or (lambda step, done, total: None)

    init_calls = model.init_calls(chunk_size)
    record.init_calls_total = len(init_calls)
    classifier = _classifier(model, record, sender, registry, report)
    for index in range(record.init_calls_done, len(init_calls)):
        method, args = init_calls[index]
        report("initialising the model", index, len(init_calls))
        getattr(classifier, method)(*args, sender=sender)
        record.init_calls_done = index + 1
        registry.save(record)
    report("initialising the model", len(init_calls), len(init_calls))

    mechanism = _incentive_mechanism(incentive, record, sender, registry, report)
    report("deploying CollaborativeTrainer", 0, 1)
    trainer = _trainer(encoder_spec, description, classifier, mechanism, record, sender, registry)
    report("wiring", 0, 2)
    if _is_zero(classifier.trainer()):
        classifier.setTrainer(trainer.address, sender=sender)
    record.finalized = True
    registry.save(record)
    if _is_zero(mechanism.trainer()):
        mechanism.setTrainer(trainer.address, sender=sender)
    record.wired = True
    record.block_number = chain.blocks.head.number
    registry.save(record)
    report("wiring", 2, 2)
    return record


def _is_zero(address: str) -> bool:
    return int(str(address), 16) == 0


def _classifier(model, record, sender, registry, report) -> ContractInstance:
    contract = container(model.contract_name)
    if record.classifier:
        return contract.at(record.classifier)
    report(f"deploying {model.contract_name}", 0, 1)
    instance = sender.deploy(contract, *model.constructor_args())
    record.classifier = instance.address
    registry.save(record)
    return instance


def _incentive_mechanism(incentive, record, sender, registry, report) -> ContractInstance:
    contract = container(incentive.mechanism.contract_name)
    if record.incentive_mechanism:
        return contract.at(record.incentive_mechanism)
    report(f"deploying {contract.contract_type.name}", 0, 1)
    instance = sender.deploy(contract, *incentive.constructor_args())
    record.incentive_mechanism = instance.address
    registry.save(record)
    return instance


def _trainer(encoder_spec, description, classifier, mechanism, record, sender, registry):
    contract = container("CollaborativeTrainer")
    if record.trainer:
        return contract.at(record.trainer)
    instance = sender.deploy(
        contract, record.name, description, encoder_spec, classifier.address, mechanism.address
    )
    record.trainer = instance.address
    record.start_block = _deployment_block(instance)
    registry.save(record)
    return instance


def _deployment_block(instance) -> int:
    """A block at or before the trainer's first possible `AddData` (its history starts there).

    The head right after the deployment is enough: no data can be added before the wiring that
    follows, so no event is ever older than this block.
    """
    from ape import chain

    return int(chain.blocks.head.number)
