"""`python -m ape_sum.toolchain install`: register the compiler and check anvil (`make setup`)."""

from __future__ import annotations

import sys

from ape_sum.toolchain import ToolchainError, anvil_status, install_solc


def main(argv: list[str]) -> int:
    if argv != ["install"]:
        print("usage: python -m ape_sum.toolchain install", file=sys.stderr)
        return 2
    try:
        executable, kind = install_solc()
    except ToolchainError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"solc: {kind} at {executable}")
    anvil = anvil_status()
    if not anvil.ok:
        print(f"error: anvil {anvil.detail}; {anvil.fix}", file=sys.stderr)
        return 1
    print(f"anvil: {anvil.detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
