"""The floors contract (pyproject.toml, `[tool.importlinter]`) is kept by `make test`; this proves it can
fail: a copy of the package whose engine imports the CLI breaks it, an untouched copy keeps it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _lint_copy(tmp_path: Path, engine_line: str | None) -> subprocess.CompletedProcess[str]:
    shutil.copytree(REPO / "capquest", tmp_path / "capquest", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    if engine_line is not None:
        engine = tmp_path / "capquest" / "engine" / "__init__.py"
        engine.write_text(engine.read_text(encoding="utf-8") + f"\n{engine_line}\n", encoding="utf-8")
    lint = Path(sys.executable).with_name("lint-imports")
    # The copy comes first on the path, ahead of the editable install of the real tree.
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    return subprocess.run(
        [str(lint), "--config", str(tmp_path / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_engine_that_imports_the_cli_breaks_the_floors(tmp_path: Path) -> None:
    broken = _lint_copy(tmp_path, "import capquest.cli  # an upward arrow: floor 1 -> floor 3")
    assert broken.returncode != 0, broken.stdout
    assert "capquest.engine is not allowed to import capquest.cli" in broken.stdout, broken.stdout


def test_the_untouched_copy_keeps_the_floors(tmp_path: Path) -> None:
    kept = _lint_copy(tmp_path, None)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "BROKEN" not in kept.stdout


def test_every_type_ignore_in_the_typed_packages_says_which_error_and_why() -> None:
    """mypy (in make test) rejects an ignore without its code; this asks for the reason beside it."""
    import re
    import tomllib

    typed = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]["files"]
    files = [
        p
        for entry in typed
        for p in ([REPO / entry] if entry.endswith(".py") else (REPO / entry).rglob("*.py"))
    ]
    bare = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "type: ignore" in line and not re.search(r"# type: ignore\[[a-z-, ]+\]  # \S", line):
                bare.append(f"{path.relative_to(REPO)}:{number}")
    assert files and bare == []
