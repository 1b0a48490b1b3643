"""Shared test helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from tests.fuzz import summary as fuzz_summary

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MINIMAL = FIXTURES / "minimal"

# Hypothesis profiles: "ci" runs enough examples to matter; "dev" is quick while editing.
settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=40, deadline=None)
# "mutation" (tests/mutation/): as many examples as "ci" but no shrinking, since only whether a
# property fails under an injected bug matters there, not the smallest example.
settings.register_profile(
    "mutation",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# No cache of checked rulesets in tests (tests/test_cache.py turns it on in a folder of its
# own): a mutant (tests/mutation/) changes code in memory, which the cache's key cannot see,
# and no test may write to the user's cache directory.
os.environ["OMI_RULES_NO_CACHE"] = "1"


@pytest.fixture
def chdir_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run with the repository root as working directory (paths in diagnostics are relative)."""
    monkeypatch.chdir(ROOT)
    return ROOT


# The fuzz tests' count of inputs tried, summed over the xdist workers (tests/fuzz/summary.py).
def pytest_sessionfinish(session: pytest.Session) -> None:
    fuzz_summary.hand_over(session.config)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    fuzz_summary.take_over(node)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    fuzz_summary.report(terminalreporter)
