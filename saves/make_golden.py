"""Writes the golden files of save format 1: `progress-v1.msgpack` and `export-v1.capquest`.

Run once when format 1 was released (`python saves/make_golden.py`); the files are checked in and tests
load them forever after, through whatever migrations later formats add. The payloads are spelled out as
plain data, not built from today's models, so this script keeps describing format 1 even after the
models move on. Never regenerate these files for a later format: add `progress-v2.msgpack` and its own
script instead.
"""

from __future__ import annotations

from pathlib import Path

from capquest.saves.envelope import encode

HERE = Path(__file__).resolve().parent
APP = "0.1.0"  # the capquest version that released format 1

PROGRESS_V1 = {
    "packs": {
        "campaign": {
            "levels": {
                "flash-sale": {
                    "stars": 2, "best_score": 812.5, "attempts": 3, "passed": True,
                    "best_run": {"card": "cp-lock", "assign": {}, "seed": 1, "score": 812.5, "digest": "a" * 64},
                },
                "hybrid-shop": {
                    "stars": 3, "best_score": 944.25, "attempts": 5, "passed": True,
                    "best_run": {
                        "card": None, "assign": {"catalog": "ap-cache", "orders": "cp-lock"}, "seed": 7,
                        "score": 944.25, "digest": "b" * 64,
                    },
                },
                "partition": {"stars": 0, "best_score": -120.0, "attempts": 1, "passed": False,
                              "best_run": {"card": "ap-any", "assign": {}, "seed": 1, "score": -120.0, "digest": "c" * 64}},
            },
            "unlocked": ["flash-sale", "hybrid-shop", "partition", "read-your-writes"],
        },
        "teacher-pack": {"levels": {}, "unlocked": ["intro"]},
    },
    "settings": {
        "language": "ko", "theme": "high-contrast", "ascii_borders": True, "reduced_motion": True,
        "replay_speed": 2.0, "sound": False,
    },
    "tutorial": {"pack_id": "campaign", "level_id": "flash-sale", "step": 4},
    "concepts_seen": ["cap", "pacelc", "read-your-writes"],
}  # fmt: skip

EXPORT_V1 = {
    "student": "김민지",
    "app_version": APP,
    "packs": {
        "campaign": {
            level_id: {key: level[key] for key in ("stars", "attempts", "best_score", "passed", "best_run")}
            for level_id, level in PROGRESS_V1["packs"]["campaign"]["levels"].items()
        }
    },
    "pack_versions": {"campaign": "1.0.0"},
}


def main() -> None:
    (HERE / "progress-v1.msgpack").write_bytes(encode("progress", PROGRESS_V1, format_version=1, app=APP))
    (HERE / "export-v1.capquest").write_bytes(encode("export", EXPORT_V1, format_version=1, app=APP))


if __name__ == "__main__":
    main()
