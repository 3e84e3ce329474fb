"""Level packs: loading, validation, and the instructors' `capquest pack ...` commands.

The format itself is `capquest.packs.model`. Everyone else uses:

    load_pack(path) -> Pack          raises PackError (.problems: list[Problem]) listing every error
    check_pack(path) -> PackReport   never raises: .pack (None when invalid), .problems, .errors, .warnings
    builtin_pack() -> Pack           the campaign, from the source tree or from inside the wheel
    installed_packs() -> list[Pack]  the packs installed under the user data dir that load (by id)
    installed_folders() -> list[InstalledPack]  every installed folder, loadable or not
    locate_pack(value) -> Path       `--pack VALUE`: a folder, else an installed pack's id
    Pack.level(id) -> LevelFile      UnknownLevelError (a LookupError) names the pack's levels
"""

from capquest.errors import PackError
from capquest.packs.installed import InstalledPack, installed_folders, installed_packs, locate_pack, packs_dir
from capquest.packs.loader import (
    Pack,
    PackReport,
    UnknownLevelError,
    builtin_levels_dir,
    builtin_pack,
    check_pack,
    load_pack,
)
from capquest.packs.problems import Problem

__all__ = [
    "InstalledPack",
    "Pack",
    "PackError",
    "PackReport",
    "Problem",
    "UnknownLevelError",
    "builtin_levels_dir",
    "builtin_pack",
    "check_pack",
    "installed_folders",
    "installed_packs",
    "load_pack",
    "locate_pack",
    "packs_dir",
]
