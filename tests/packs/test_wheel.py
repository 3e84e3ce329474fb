"""The built wheel carries the level packs (pyproject's force-include maps levels/ to capquest/_levels/) and
the `pack new` template, and an installed (non-editable) capquest finds the campaign inside itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent.parent


@pytest.mark.slow
def test_wheel_ships_the_levels_and_the_template(tmp_path):
    pytest.importorskip("hatchling")
    # Build from a copy, so the test neither writes into the checkout nor depends on what else lies there.
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(REPO / "pyproject.toml", src)
    readme = REPO / "README.md"
    (src / "README.md").write_text(readme.read_text(encoding="utf-8") if readme.exists() else "capquest\n")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "capquest", src / "capquest", ignore=ignore)
    shutil.copytree(REPO / "levels", src / "levels", ignore=ignore)
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-c", f"from hatchling.build import build_wheel; build_wheel({str(out)!r})"],
        cwd=src, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    [wheel] = out.glob("capquest-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    packs = sorted(p.name for p in (REPO / "levels").iterdir() if (p / "pack.toml").is_file())
    assert "example" in packs
    for pack in packs:
        for file in (REPO / "levels" / pack).glob("*.toml"):
            assert f"capquest/_levels/{pack}/{file.name}" in names
    if (REPO / "levels" / "campaign").is_dir():
        assert "capquest/_levels/campaign/pack.toml" in names
    for file in (REPO / "capquest" / "packs" / "template").glob("*.toml"):
        assert f"capquest/packs/template/{file.name}" in names
    # capquest serve's own page and static files, and every screen's stylesheet, ship too.
    for folder in ("serve/templates", "serve/static", "tui/screens"):
        for file in (REPO / "capquest" / folder).iterdir():
            if file.suffix in (".html", ".css", ".js", ".tcss"):
                assert f"capquest/{folder}/{file.name}" in names, file

    # Unpacked as an installed package would be: builtin_levels_dir() finds the levels inside it.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "from capquest.packs import builtin_levels_dir, builtin_pack; print(builtin_levels_dir()); "
        "print(len(builtin_pack().levels) if (builtin_levels_dir() / 'campaign').is_dir() else 0)"
    )
    found, levels = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env={"PYTHONPATH": str(site), "PATH": ""},
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout.split()  # fmt: skip
    assert Path(found) == site / "capquest" / "_levels"
    if (REPO / "levels" / "campaign").is_dir():
        with (REPO / "levels" / "campaign" / "pack.toml").open("rb") as f:
            assert int(levels) == len(tomllib.load(f)["levels"])
