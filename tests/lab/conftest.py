"""The lab's tests run a real PostgreSQL, started by the lab itself. Without PostgreSQL or psycopg they
are skipped with the reason, unless CAPQUEST_REQUIRE_POSTGRES=1 (CI), where a missing one fails."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from capquest.packs import builtin_pack
from capquest.packs.model import LevelFile

REQUIRED = os.environ.get("CAPQUEST_REQUIRE_POSTGRES") == "1"


def _missing() -> str | None:
    from capquest.lab import LabUnavailable, check_ready
    from capquest.lab.postgres import run_as_for

    try:
        check_ready()
        run_as_for(None)
    except LabUnavailable as exc:
        return str(exc)
    return None


@pytest.fixture(scope="session")
def postgres_ready() -> None:
    reason = _missing()
    if reason is None:
        return
    if REQUIRED:
        pytest.fail(f"CAPQUEST_REQUIRE_POSTGRES=1 and the lab cannot run: {reason}")
    pytest.skip(f"the lab cannot run here: {reason}")


@pytest.fixture(scope="session")
def cluster(postgres_ready: None) -> Iterator[object]:
    """One primary and two streaming replicas for the session (per xdist worker), started by the lab's
    own Cluster; each play reloads its tables and sets its replicas' delay."""
    from capquest.lab.postgres import Cluster

    with Cluster(replicas=2) as running:
        yield running


@pytest.fixture(scope="session")
def levels() -> dict[str, LevelFile]:
    return {level.id: level for level in builtin_pack().levels}
