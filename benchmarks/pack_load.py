"""Cold and warm cost of loading level packs (part of the app's 0.8 s cold-start budget).

Prints, for the built-in campaign and the example pack: the import time of `capquest.packs` and the first
load in a fresh interpreter (median of several fresh processes), and a warm reload (the in-memory cache)
and an uncached re-validation in-process.

    python benchmarks/pack_load.py [RUNS]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKS = {"campaign": REPO / "levels" / "campaign", "example": REPO / "levels" / "example"}

CHILD = """
import json, sys, time
t0 = time.perf_counter()
import capquest.packs as packs
t1 = time.perf_counter()
pack = packs.load_pack(sys.argv[1], builtin=sys.argv[2] == "1")
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "levels": len(pack.levels)}))
"""


def cold(path: Path, builtin: bool, runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), "1" if builtin else "0"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        samples.append(json.loads(out.stdout))
    return {
        "import_s": statistics.median(s["import_s"] for s in samples),
        "load_s": statistics.median(s["load_s"] for s in samples),
        "levels": samples[0]["levels"],
    }


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    from capquest.packs import check_pack, load_pack

    for name, path in PACKS.items():
        if not (path / "pack.toml").exists():
            print(f"{name}: not present")
            continue
        builtin = name == "campaign"
        c = cold(path, builtin, runs)
        load_pack(path, builtin=builtin)
        t = time.perf_counter()
        for _ in range(20):
            load_pack(path, builtin=builtin)
        warm = (time.perf_counter() - t) / 20
        t = time.perf_counter()
        check_pack(path, builtin=builtin)
        revalidate = time.perf_counter() - t
        print(
            f"{name:9} {c['levels']:3} levels  cold import {c['import_s'] * 1000:6.1f} ms + first load "
            f"{c['load_s'] * 1000:6.1f} ms = {(c['import_s'] + c['load_s']) * 1000:6.1f} ms (median of {runs} "
            f"processes) | cached reload {warm * 1000:5.2f} ms | uncached re-validation {revalidate * 1000:6.1f} ms"
        )


if __name__ == "__main__":
    main()
