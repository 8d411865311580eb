"""The README's Python example runs as shown (from a checkout, in a fresh directory)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_readme_python_example_runs(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    example = next(b for b in blocks if "topicgraph.ingest(" in b)
    shutil.copytree(REPO / "data" / "sample", tmp_path / "data" / "sample")
    result = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    labels, titles = result.stdout.strip().splitlines()[-2:]
    assert "Redwood Materials" in labels
    assert titles.startswith("[") and titles.count("'") >= 2
