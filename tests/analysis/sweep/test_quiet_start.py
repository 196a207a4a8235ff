"""The fork server's children stay quiet only about a start-up that lost its pool (after Ctrl-C)."""

from __future__ import annotations

import sys

import pytest

from analysis.sweep import quiet_start


def _raised_in(filename: str, name: str, error: BaseException):
    """(type, value, traceback) of ``error`` raised in a function ``name`` compiled as if from ``filename``."""
    code = compile(f"def {name}():\n    raise error\n", filename, "exec")
    space = {"error": error}
    exec(code, space)
    try:
        space[name]()
    except BaseException:  # noqa: BLE001 - the test wants whatever was raised
        return sys.exc_info()
    raise AssertionError("nothing raised")


def test_a_bootstrap_that_lost_its_semaphore_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    printed = []
    quiet_start.quiet_hook(*_raised_in("/usr/lib/python3.12/multiprocessing/spawn.py", "_main",
                                       FileNotFoundError(2, "No such file or directory")),
                           default=lambda *a: printed.append(a))
    assert printed == []


@pytest.mark.parametrize("where, error", [
    (("/usr/lib/python3.12/multiprocessing/spawn.py", "_main"), ValueError("a real bug")),
    (("/work/sim/engine.py", "_main"), FileNotFoundError(2, "missing")),
])
def test_every_other_failure_goes_to_the_default_hook(where, error) -> None:
    printed = []
    quiet_start.quiet_hook(*_raised_in(*where, error), default=lambda *a: printed.append(a))
    assert len(printed) == 1 and printed[0][1] is error
