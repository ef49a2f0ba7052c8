"""The encoders' one error type."""

from __future__ import annotations

from ape_sum.exceptions import SumError

__all__ = ["EncodingError", "describe_value"]


class EncodingError(SumError, ValueError):
    """An input or a spec that cannot be encoded; the message is one line and says why."""


def describe_value(value: object) -> str:
    """`repr(value)`, cut to 40 characters (for one-line messages)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
