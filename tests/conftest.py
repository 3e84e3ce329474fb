"""Suite-wide isolation: nothing a test runs may read or write the developer's real progress or packs,
and the language must not leak in from the machine's locale or a saved setting."""

from __future__ import annotations

import os
import tempfile

import pytest

# Set at import time (before any test module imports capquest), and inherited by the subprocesses that
# tests start: every run of the suite gets a fresh, empty data folder.
os.environ["CAPQUEST_HOME"] = tempfile.mkdtemp(prefix="capquest-test-home-")
os.environ.pop("CAPQUEST_LANG", None)
os.environ["LANG"] = "C.UTF-8"
os.environ.pop("LC_ALL", None)
os.environ.pop("LC_MESSAGES", None)


@pytest.fixture(autouse=True)
def _language_does_not_leak():
    """Each test starts in English: a test that switched the language (the game's settings, `--lang ko`
    through `main()` in-process) must not make the next test on the same worker speak Korean."""
    from capquest.i18n import set_language

    set_language("en")
    yield
    set_language("en")
