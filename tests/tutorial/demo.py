"""Play the tutorial by hand against the play screens' fake engine (until the engine is on main):
`python tests/tutorial/demo.py [en|ko] [ascii]`. Position is kept in a fake store for this run only."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tui" / "play"))

from play_fakes import fake_run

from capquest.tui.tutorial.app import TutorialApp

if __name__ == "__main__":
    args = sys.argv[1:]
    try:  # the real engine when this build has it
        import capquest.engine as engine
        from capquest.tui.session import play_runner as runner

        if not hasattr(engine, "simulate"):
            runner = fake_run
    except ImportError:
        runner = fake_run
    TutorialApp(lang="ko" if "ko" in args else "en", runner=runner, ascii_borders="ascii" in args).run()
