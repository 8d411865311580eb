"""Dead code: vulture at 80 % confidence finds nothing but the whitelisted names (vulture_whitelist.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_vulture_finds_no_dead_code() -> None:
    vulture = shutil.which("vulture")
    if vulture is None:
        pytest.fail("vulture (in the test extra) is not installed")
    result = subprocess.run([vulture, "src/topicgraph", "vulture_whitelist.py", "--min-confidence", "80"],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
