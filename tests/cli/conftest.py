"""Fixtures for the `ape sum` command tests: run the real commands with CliRunner inside `ape test`.

Every invocation passes the session's network (`--network networks.provider.network_choice`);
without it a command would connect to the default network instead. The deployment registry lives
in a temporary folder (`APE_SUM_REGISTRY_DIR`) and is restored after each test, like the chain.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ape_sum._cli import cli as sum_cli

REGISTRY_ENV = "APE_SUM_REGISTRY_DIR"
DAY = 24 * 3600


@dataclass
class Invocation:
    result: Result

    @property
    def exit_code(self) -> int:
        return self.result.exit_code

    @property
    def stdout(self) -> str:
        return self.result.stdout

    @property
    def stderr(self) -> str:
        return self.result.stderr

    @property
    def json(self) -> Any:
        return json.loads(self.result.stdout)

    @property
    def error(self) -> str:
        """The one-line reason of a refused command (without Ape's `ERROR:` prefix)."""
        lines = [line for line in self.result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, f"expected one line, got: {self.result.stderr!r}"
        return lines[0].split(":", 1)[1].strip() if ":" in lines[0] else lines[0]


Invoke = Callable[..., Invocation]


def provider_env() -> dict[str, str]:
    """Make a command's own Foundry provider connect to the session's Anvil.

    A command builds a new provider object; with `foundry.host: auto` it would start another Anvil
    on a free port. Pointing `APE_FOUNDRY_HOST` at the running one is also what a user does.
    """
    from ape import networks

    provider = networks.provider
    if provider.name == "foundry":
        return {"APE_FOUNDRY_HOST": provider.uri}
    return {}


def make_invoke(network_choice: str) -> Invoke:
    runner = CliRunner(mix_stderr=False)

    def invoke(*args: str, network: bool = True, ok: bool | None = True) -> Invocation:
        argv = [str(a) for a in args]
        if network:
            argv += ["--network", network_choice]
        result = runner.invoke(sum_cli, argv, catch_exceptions=False, env=provider_env())
        if ok is True:
            assert result.exit_code == 0, f"{argv}: {result.stdout}{result.stderr}"
        elif ok is False:
            assert result.exit_code != 0, f"{argv} unexpectedly succeeded: {result.stdout}"
        return Invocation(result)

    return invoke


@pytest.fixture(scope="session")
def registry_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("registry")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(REGISTRY_ENV, str(folder))
        yield folder


@pytest.fixture(autouse=True)
def _restore_registry(registry_folder):
    """Roll the registry back after each test, as Ape's isolation rolls the chain back."""
    assert os.environ.get(REGISTRY_ENV) == str(registry_folder)
    path = registry_folder / "deployments.json"
    saved = path.read_bytes() if path.exists() else None
    yield
    if saved is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(saved)


@pytest.fixture(scope="session")
def invoke(registry_folder, network_choice) -> Invoke:
    return make_invoke(network_choice)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def bc_model_file(model_dir, registry_folder, network_choice) -> Path:
    """A dense perceptron for breast cancer, written by `ape sum train`."""
    path = model_dir / "bc.json"
    make_invoke(network_choice)(
        "train", "breast-cancer", "-o", path, "--train-fraction", "0.3", network=False
    )
    return path


@pytest.fixture(scope="session")
def text_model_file(model_dir, registry_folder, network_choice) -> Path:
    """A small sparse perceptron over hashed words (64 buckets: one initialisation chunk)."""
    path = model_dir / "reviews.json"
    make_invoke(network_choice)(
        "train", "rotten-tomatoes", "-o", path, "--buckets", "64", network=False
    )
    return path


@pytest.fixture(scope="session", autouse=True)
def _cli_assets(bc_model_file, text_model_file, samples):
    """Build the session's files before any module snapshot: a session fixture that first appears
    later makes Ape roll back and re-run module fixtures ("rebasing")."""


@pytest.fixture(scope="session")
def breast_cancer():
    from ape_sum.core.datasets import load_dataset

    return load_dataset("breast-cancer")


def as_input(values) -> str:
    return ",".join(repr(float(v)) for v in values)


@pytest.fixture(scope="module")
def deployed(bc_model_file, registry_folder, network_choice) -> dict[str, Any]:
    """The breast-cancer model deployed once per module (deposit mechanism, 1-day refund wait).

    Ape may re-run ("rebase") a module fixture after rolling the chain back, so an old registry
    entry of the same name is dropped first.
    """
    from ape import chain

    from ape_sum.chain.registry import Registry

    Registry().remove("bc", network_choice, chain.chain_id)
    result = make_invoke(network_choice)(
        "deploy", bc_model_file, "--name", "bc", "--cost-weight", "0.0001 ether", "--json"
    )
    return result.json


@pytest.fixture(scope="session")
def bc_mirror(bc_model_file):
    """The off-chain mirror of the deployed model and its encoder."""
    from ape_sum.core.encoding import parse_encoder_spec
    from ape_sum.core.models.files import load_model_file

    model, spec = load_model_file(bc_model_file)
    return model, parse_encoder_spec(spec)


@pytest.fixture(scope="session")
def samples(breast_cancer, bc_mirror):
    """Inputs the initial model gets right, and ones that stay wrong after training on them with
    a flipped label (bad data the model keeps disagreeing with)."""
    model, encoder = bc_mirror
    right, stays_wrong = [], []
    for x, y in zip(breast_cancer.samples, breast_cancer.labels, strict=True):
        data = encoder.encode(x)
        if model.predict(data) != int(y):
            continue
        right.append((as_input(x), int(y)))
        trial = model.copy()
        trial.update(data, 1 - int(y))
        if trial.predict(data) == int(y):
            stays_wrong.append((as_input(x), 1 - int(y)))
        if len(right) >= 20 and len(stays_wrong) >= 5:
            break
    classes = list(model.classifications)
    return {"right": right, "bad": stays_wrong, "classes": classes}
