"""ape-sum: Sharing Updatable Models on Ethereum, as an Ape plugin (`ape sum ...`).

Ape imports this module at start-up, so it stays light: it only makes sure the project's anvil is on
PATH (ape-foundry looks for it there) and leaves every heavy import to the commands.
"""

from ape_sum.toolchain import ensure_anvil_on_path

ensure_anvil_on_path()

__all__: list[str] = []
