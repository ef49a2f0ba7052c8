"""Fixtures for the mirror equivalence tests."""

from __future__ import annotations

from support.models import deploy_model, stranger, trainer

__all__ = ["deploy_model", "stranger", "trainer"]
