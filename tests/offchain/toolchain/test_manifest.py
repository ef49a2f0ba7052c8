"""The contracts manifest shipped in the package matches a fresh compile of `contracts/`.

`ape sum` deploys from `ape_sum/manifests/ape-sum.json`, not from the checkout's `contracts/`, so a
contract change that is not followed by `make manifest` would ship stale bytecode.
"""

from __future__ import annotations

import json

from ethpm_types import PackageManifest

from ape_sum.chain.contracts import container, contract_types, manifest_text
from ape_sum.toolchain.manifest import (
    SHIPPED_MANIFEST,
    build_manifest,
    differences,
    is_test_source,
    manifest_json,
)

DEPLOYED = (
    "CollaborativeTrainer",
    "DepositRefundTake",
    "Points",
    "DensePerceptron",
    "SparsePerceptron",
    "NaiveBayes",
    "NearestCentroid",
    "SparseNearestCentroid",
)


def test_shipped_manifest_matches_a_fresh_compile(project):
    shipped = PackageManifest.model_validate_json(SHIPPED_MANIFEST.read_text())
    problems = differences(shipped, build_manifest(project))
    assert not problems, (
        f"{SHIPPED_MANIFEST.name} is out of date with contracts/ "
        f"({'; '.join(problems[:5])}): run `make manifest` and commit the result"
    )


def test_shipped_manifest_is_byte_stable(project):
    # Same compile output, same bytes: the generator sorts keys and writes no timestamps or paths.
    fresh = manifest_json(build_manifest(project))
    assert manifest_json(build_manifest(project)) == fresh
    assert str(project.path) not in fresh


def test_manifest_has_every_deployable_contract_and_no_test_contract():
    types = contract_types()
    assert set(DEPLOYED) <= set(types)
    assert not [name for name, t in types.items() if is_test_source(t.source_id)]
    for name in DEPLOYED:
        assert types[name].deployment_bytecode.bytecode not in (None, "", "0x")
        assert types[name].runtime_bytecode.bytecode not in (None, "", "0x")
    compilers = json.loads(manifest_text())["compilers"]
    assert compilers and compilers[0]["settings"]["optimizer"] == {"enabled": True, "runs": 1000}
    assert compilers[0]["version"].startswith("0.8.30")


def test_container_comes_from_the_manifest(project):
    trainer = container("CollaborativeTrainer")
    assert trainer.contract_type.deployment_bytecode == (
        project.CollaborativeTrainer.contract_type.deployment_bytecode
    )
    assert container("CollaborativeTrainer") is trainer
