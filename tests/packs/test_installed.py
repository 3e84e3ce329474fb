"""Installed packs as the export sees them."""

from __future__ import annotations

from capquest.packs import load_pack
from capquest.packs.installed import install, local_pack_versions

from .conftest import EXAMPLE


def test_an_export_records_the_version_of_an_installed_pack() -> None:
    pack = load_pack(EXAMPLE)
    install(pack)
    versions = local_pack_versions({pack.id, "campaign", "not-here"})
    assert versions[pack.id] == pack.manifest.version  # was always missing: a Pack has no .load()
    assert "campaign" in versions and "not-here" not in versions
