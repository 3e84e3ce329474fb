"""Packs installed side by side in the user data folder: `<data>/packs/<pack-id>/`.

`<data>` is `CAPQUEST_HOME` when set, else platformdirs' user data dir for "capquest". Installing copies
only the pack's TOML files (never anything else a folder may hold) into a fresh folder and swaps it in,
so a half-copied pack is never seen under its id. Progress is kept per pack id by the saves.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from capquest.errors import PackError
from capquest.packs.loader import CONCEPTS, MANIFEST, Pack, load_pack
from capquest.saves.paths import data_dir


def packs_dir() -> Path:
    # One data folder for everything capquest writes (progress, installed packs): the saves' definition.
    return data_dir() / "packs"


@dataclass(frozen=True)
class InstalledPack:
    id: str  # the pack's id = its folder name
    path: Path

    def load(self) -> Pack:
        """The pack (PackError if its files were damaged since it was installed)."""
        return load_pack(self.path)


def installed_folders() -> list[InstalledPack]:
    """Every installed pack folder, by id, loadable or not (`pack list` shows the damaged ones).
    A folder without pack.toml (a copy in progress) is not a pack."""
    root = packs_dir()
    if not root.is_dir():
        return []
    return [
        InstalledPack(child.name, child)
        for child in sorted(root.iterdir())
        if child.is_dir() and not child.name.startswith(".") and (child / MANIFEST).is_file()
    ]


def installed_packs() -> list[Pack]:
    """Every installed pack that loads, by id. One damaged since its install is left out (never raises)."""
    packs = []
    for folder in installed_folders():
        try:
            packs.append(folder.load())
        except PackError:
            continue
    return packs


def installed_pack(pack_id: str) -> InstalledPack | None:
    for pack in installed_folders():
        if pack.id == pack_id:
            return pack
    return None


def locate_pack(value: str) -> Path:
    """What `--pack VALUE` names: a folder (or its pack.toml) if one exists there, else the id of an
    installed pack. LookupError, with the installed ids, when it is neither."""
    path = Path(value)
    if path.exists():
        return path
    found = installed_pack(value)
    if found is not None:
        return found.path
    known = ", ".join(p.id for p in installed_folders()) or "-"
    raise LookupError(f"no pack folder {value!r}, and no installed pack with that id (installed: {known})")


def install(pack: Pack) -> tuple[Path, str | None]:
    """Copy a validated pack into the packs folder; returns its new folder and the version it replaced."""
    root = packs_dir()
    root.mkdir(parents=True, exist_ok=True)
    target = root / pack.id
    old_version = None
    if (target / MANIFEST).is_file():
        try:
            old_version = load_pack(target).manifest.version
        except Exception:  # a damaged install is simply replaced
            old_version = "?"
    staging = Path(tempfile.mkdtemp(prefix=f".new-{pack.id}-", dir=root))
    names = [MANIFEST, *(f"{level.id}.toml" for level in pack.levels)]
    if (pack.path / CONCEPTS).is_file():
        names.append(CONCEPTS)
    for name in names:
        shutil.copyfile(pack.path / name, staging / name)
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".old-{pack.id}-", dir=root))
        target.rename(retired / pack.id)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staging.rename(target)
    return target, old_version


def remove(pack_id: str) -> bool:
    """Delete an installed pack; False when there is none by that id."""
    found = installed_pack(pack_id)
    if found is None:
        return False
    shutil.rmtree(found.path)
    return True


def local_pack_versions(pack_ids: Iterable[str]) -> dict[str, str]:
    """The version of each of these packs found here (built-in or installed); unknown ones are left out."""
    wanted = set(pack_ids)
    versions: dict[str, str] = {}
    try:
        from capquest.packs import builtin_pack

        builtin = builtin_pack()
        if builtin.id in wanted:
            versions[builtin.id] = builtin.manifest.version
        for installed in installed_folders():
            if installed.id in wanted and installed.id not in versions:
                with contextlib.suppress(Exception):  # a damaged pack: its version stays unknown
                    versions[installed.id] = installed.load().manifest.version
    except Exception:  # no packs to be found: the export is still worth handing in
        pass
    return versions
