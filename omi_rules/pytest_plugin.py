"""pytest collects YAML ruleset tests (``*.test.yaml``): one pytest item per test, reporting the
expected and actual values and how the number was made, like ``omi-rules test``.

Registered through the ``pytest11`` entry point, so any project with omi-rules installed can
run its rulesets' tests with plain ``pytest``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from omi_rules.lifecycle.ruleset_tests import TEST_SUFFIX, Outcome, Runner

_RUNNER_KEY = pytest.StashKey[Runner]()


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name.endswith(TEST_SUFFIX):
        return RulesetTestFile.from_parent(parent, path=file_path)
    return None


def _runner(config: pytest.Config) -> Runner:
    if _RUNNER_KEY not in config.stash:
        from omi_rules.plugins.manager import load_plugins

        config.stash[_RUNNER_KEY] = Runner(load_plugins())
    return config.stash[_RUNNER_KEY]


class RulesetTestFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        outcomes = _runner(self.config).run_file(self.path)
        for outcome in outcomes:
            yield RulesetTestItem.from_parent(self, name=outcome.name, outcome=outcome)


class RulesetTestFailure(Exception):
    pass


class RulesetTestItem(pytest.Item):
    def __init__(self, *, outcome: Outcome, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outcome = outcome

    def runtest(self) -> None:
        if not self.outcome.passed:
            raise RulesetTestFailure()

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        lines = []
        for failure in self.outcome.failures:
            lines.append(f"{failure.position}: {failure.message}")
            if failure.trail:
                lines.extend("    " + line for line in failure.trail.rstrip().splitlines())
        for problem in self.outcome.problems:
            lines.append(f"{problem.position}: error[{problem.code}]: {problem.message}")
        return "\n".join(lines)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"ruleset test: {self.name}"
