"""Shared test helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MINIMAL = FIXTURES / "minimal"

# Hypothesis profiles: "ci" runs enough examples to matter; "dev" is quick while editing.
settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=40, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def chdir_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run with the repository root as working directory (paths in diagnostics are relative)."""
    monkeypatch.chdir(ROOT)
    return ROOT
