"""MurmurHash3 of tokens, as the original system hashed words into feature indices."""

from __future__ import annotations

__all__ = ["HASH_SPACE", "hash_token"]

HASH_SPACE = 2**32
"""MurmurHash3 32-bit values are in `[0, 2^32)`."""


def hash_token(token: str) -> int:
    """MurmurHash3 x86 32-bit, seed 0, unsigned, of the token's UTF-8 bytes."""
    import mmh3

    # Hash bytes, not str: mmh3 5.3.1 crashes the interpreter on a str with lone surrogates.
    return int(mmh3.hash(token.encode("utf-8"), 0, signed=False))
