"""Fixtures for the security tests (helpers live in `support.security`)."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

import pytest
from support.security import INVARIANT_STATS, revert_name_table

SELECTOR = re.compile(r"0x([0-9a-fA-F]{8})")


@pytest.fixture(scope="session")
def error_name(project) -> Callable[[BaseException], str]:
    """The custom error's name of a failed call or transaction, whichever contract raised it
    (errors of a classifier bubble through the trainer, whose ABI does not list them)."""
    table = revert_name_table(project)

    def name(err: BaseException) -> str:
        found = getattr(err, "name", None)
        if isinstance(found, str) and found:
            return found
        texts = [getattr(err, "revert_message", None), getattr(err, "message", None), str(err)]
        for text in texts:
            if not isinstance(text, str):
                continue
            if text[:2] in ('b"', "b'"):
                # Raw revert data Ape could not decode (it bubbled through a contract whose ABI
                # does not list the error), shown as a bytes literal.
                data = ast.literal_eval(text)
                if bytes(data[:4]) in table:
                    return table[bytes(data[:4])]
            # "0x<selector>...", or Anvil's "custom error 0x<selector>: ..."
            for selector in SELECTOR.findall(text):
                if bytes.fromhex(selector) in table:
                    return table[bytes.fromhex(selector)]
        return str(texts[0] or err)

    return name


@pytest.fixture(scope="session")
def revert_data_name(project) -> Callable[[bytes], str]:
    """The error name of raw revert data (as recorded by the adversarial receiver)."""
    table = revert_name_table(project)
    return lambda data: table.get(bytes(data[:4]), bytes(data[:4]).hex()) if data else "<empty>"


@pytest.fixture(scope="session")
def users(accounts):
    """Test accounts other than the owner (accounts[0])."""
    return list(accounts)[1:]


def pytest_terminal_summary(terminalreporter) -> None:
    """One line per invariant-test combination: sequences and steps run, refusals seen."""
    if not INVARIANT_STATS:
        return
    terminalreporter.section("ape-sum invariant runs")
    total_sequences = total_steps = 0
    for combo, stats in sorted(INVARIANT_STATS.items()):
        total_sequences += stats["sequences"]
        total_steps += stats["steps"]
        reasons = ", ".join(f"{k}={v}" for k, v in sorted(stats["refused"].items()))
        allowed = ", ".join(f"{k}={v}" for k, v in sorted(stats["succeeded"].items()))
        terminalreporter.write_line(
            f"{combo}: {stats['sequences']} sequences, {stats['steps']} steps; "
            f"succeeded ({allowed or 'none'}); refused ({reasons or 'none'})"
        )
    terminalreporter.write_line(
        f"invariant total: {total_sequences} sequences, {total_steps} steps"
    )
