"""The package's layer contract (pyproject's [tool.importlinter]): sources -> nlp -> graph -> store -> pipeline
-> uses -> cli, every module importing only from layers below its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]


def test_layer_contract_holds() -> None:
    """import-linter, run by this interpreter (so it reads this checkout's package)."""
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


def _stage(module: str) -> str:
    """The stage or use a module belongs to: ``topicgraph.nlp.ner.train`` -> ``nlp``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_function_local_import_across_stages() -> None:
    """Below the CLI (which imports lazily to start fast), a module imports other stages at its top, where the
    layer contract sees them; an import inside a function is only for a module of the same stage."""
    offenders = []
    root = REPO / "src" / "topicgraph"
    for path in root.rglob("*.py"):
        if path.name == "cli.py" and path.parent == root:
            continue
        module = ".".join(("topicgraph", *path.relative_to(root).with_suffix("").parts))
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.lstrip()
            if line == stripped or not stripped.startswith("from .") or " import " not in stripped:
                continue
            dots = len(stripped[5:]) - len(stripped[5:].lstrip("."))
            name = stripped[5 + dots:].split(" ", 1)[0]
            base = package.split(".")[: len(package.split(".")) - (dots - 1)]
            target = ".".join(base + ([name] if name else []))
            if _stage(target) != _stage(module):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {stripped}")
    assert not offenders, "\n".join(offenders)
