"""The one place that turns a contract name into an Ape `ContractContainer`.

The contracts ship inside the package as a compiled ethPM manifest
(`ape_sum/manifests/ape-sum.json`, regenerated with `make manifest`), so `ape sum` deploys the same
bytecode from any directory or Ape project, with no Solidity compiler and no checkout. Ape is
imported inside the functions: this module is imported on the CLI's start-up path.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from ape_sum.exceptions import SumError

if TYPE_CHECKING:
    from ape.contracts import ContractContainer
    from ethpm_types import ContractType, PackageManifest

MANIFEST_PACKAGE = "ape_sum"
MANIFEST_PATH = ("manifests", "ape-sum.json")


class ContractsError(SumError, LookupError):
    """A contract type is not in the shipped manifest, or the manifest cannot be read."""


def manifest_text() -> str:
    """The shipped manifest's JSON, read through the package (works from a wheel or a checkout)."""
    resource = resources.files(MANIFEST_PACKAGE).joinpath(*MANIFEST_PATH)
    try:
        return resource.read_text(encoding="utf-8")
    except OSError as err:
        raise ContractsError(
            f"the contracts manifest {'/'.join(MANIFEST_PATH)} is missing from the ape_sum "
            f"package ({err.strerror}); reinstall ape-sum, or run `make manifest` in a checkout"
        ) from None


@cache
def manifest() -> PackageManifest:
    """The shipped contracts manifest (parsed once)."""
    from ethpm_types import PackageManifest

    return PackageManifest.model_validate_json(manifest_text())


def contract_types() -> dict[str, ContractType]:
    """Every shipped contract type by name (contracts, abstract bases, interfaces, libraries)."""
    return dict(manifest().contract_types or {})


@cache
def container(contract_name: str) -> ContractContainer:
    """The contract `contract_name`, ready to `deploy` or `.at(address)`; `ContractsError` (one
    line) when the manifest has no such contract."""
    from ape.contracts import ContractContainer

    types = contract_types()
    contract_type = types.get(contract_name)
    if contract_type is None:
        known = ", ".join(sorted(types)) or "none"
        raise ContractsError(f"contract {contract_name} is not available (shipped: {known})")
    return ContractContainer(contract_type)
