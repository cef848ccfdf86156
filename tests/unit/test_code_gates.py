"""The code gates of STYLE.md practice 14, run with the suite: ruff and mypy find nothing.

Both run from the virtualenv of the test run (ruff and mypy are in setup.py's
test extra) with the configuration in pyproject.toml, and a failure prints
what they found. `ruff format` is not a gate: the code base keeps its own
hand formatting (120 columns, aligned continuation lines).
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_ruff_finds_nothing():
    result = _run("ruff", "check", "--no-cache", "cs_handbook", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_the_package():
    # Files and options come from [tool.mypy] in pyproject.toml.
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
