"""The one error model of ape-sum: every error the library raises is a `SumError`.

`SumError` is an Ape `ApeException`, so Ape's own handling treats it like its errors, and the CLI
turns it into one `ERROR: ...` line (see `ape_sum._cli.click_ext.user_errors`). Each module keeps
its own subclass (`ModelFileError`, `TrainerError`, ...); those that used to derive from a builtin
(`ValueError`, `LookupError`, `RuntimeError`, `AssertionError`) still do, as a second base, in the
way Ape's own `ApeIndexError(ApeException, IndexError)` does, so existing `except` clauses keep
working. The message is one line that says why.

Importing this module is cheap (`ape.exceptions` pulls no web3), so the pure `core` may use it.
"""

from __future__ import annotations

from ape.exceptions import ApeException

__all__ = ["SumError"]


class SumError(ApeException):
    """The base of every ape-sum error; the message is one line and says why."""
