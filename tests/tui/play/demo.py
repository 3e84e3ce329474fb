"""Play the play screens by hand: `python tests/tui/play/demo.py [en|ko] [hybrid] [ascii] [LEVEL_ID]`.
With a level id it plays that campaign level on the real engine; without, the fake level and runner."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from play_app import PlayTestApp
from play_fakes import fake_level, fake_run

from capquest.tui.session import PlaySession, play_runner

if __name__ == "__main__":
    args = sys.argv[1:]
    flags = {"en", "ko", "hybrid", "ascii"}
    level_ids = [a for a in args if a not in flags]
    if level_ids:
        from capquest.packs import builtin_pack

        session = PlaySession(
            builtin_pack().level(level_ids[0]), runner=play_runner, ascii_borders="ascii" in args
        )
    else:
        session = PlaySession(
            fake_level(hybrid="hybrid" in args), runner=fake_run, ascii_borders="ascii" in args
        )
    PlayTestApp(session, lang="ko" if "ko" in args else "en").run()
