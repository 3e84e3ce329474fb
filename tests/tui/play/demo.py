"""Play the play screens by hand against the fake engine: `python tests/tui/play/demo.py [en|ko] [hybrid]
[ascii]`. (Until the engine lands, this is how the screens are played in tmux.)"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from play_app import PlayTestApp
from play_fakes import fake_level, fake_run

from capquest.tui.screens.level import PlaySession

if __name__ == "__main__":
    args = sys.argv[1:]
    session = PlaySession(fake_level(hybrid="hybrid" in args), runner=fake_run, ascii_borders="ascii" in args)
    PlayTestApp(session, lang="ko" if "ko" in args else "en").run()
