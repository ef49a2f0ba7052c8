"""ape-sum: Sharing Updatable Models on Ethereum, as an Ape plugin (`ape sum ...`).

Ape imports this module at start-up, so it stays light and changes nothing in the environment: the
commands that may start Anvil put it on PATH themselves (`ape_sum.toolchain.ensure_anvil_on_path`).
"""

__all__: list[str] = []
