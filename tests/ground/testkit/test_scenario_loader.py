"""Loading scenario files: what they must define, and the procedures they may share."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ground.errors import ScenarioError
from ground.testkit.scenario import load_scenario

SHARED = '''"""Steps two missions fly alike."""

def greeting(hil):
    return f"hello from {hil}"
'''

SCENARIO = '''"""A scenario that uses a shared procedure and a helper beside it."""

from shared_steps_for_test.greet import greeting
from beside_for_test import LOUD

MISSION = "leo_smallsat"


def run(hil):
    return greeting(hil) + LOUD
'''


@pytest.fixture
def clean_imports(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Leave sys.path and sys.modules as they were, whatever the loader added."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


@pytest.mark.usefixtures("clean_imports")
def test_a_scenario_imports_procedures_from_the_folder_above_and_helpers_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ops = tmp_path / "ops"
    (ops / "shared_steps_for_test").mkdir(parents=True)
    (ops / "shared_steps_for_test" / "__init__.py").write_text('"""Shared steps."""\n')
    (ops / "shared_steps_for_test" / "greet.py").write_text(SHARED)
    (ops / "leo").mkdir()
    (ops / "leo" / "beside_for_test.py").write_text('LOUD = "!"\n')
    (ops / "leo" / "pass.py").write_text(SCENARIO)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # run from any folder, by a relative path
    scenario = load_scenario(Path("../ops/leo/pass.py"))
    assert scenario.title == "A scenario that uses a shared procedure and a helper beside it."
    assert scenario.spec.config == "leo_smallsat"
    assert scenario.run("hil") == "hello from hil!"  # type: ignore[arg-type]


@pytest.mark.usefixtures("clean_imports")
def test_a_scenario_importing_what_is_not_there_is_refused_with_the_module_named(
    tmp_path: Path,
) -> None:
    (tmp_path / "leo").mkdir()
    path = tmp_path / "leo" / "lost.py"
    path.write_text('import no_such_procedures_here\nMISSION = "leo_smallsat"\n')
    with pytest.raises(ScenarioError, match="No module named 'no_such_procedures_here'"):
        load_scenario(path)
