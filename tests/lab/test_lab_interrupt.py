"""Ctrl-C in the middle of `capquest lab` leaves no PostgreSQL process and no temporary folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("postgres")  # beside the other lab tests, not two clusters at once


def _processes_under(folder: str) -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if folder in cmdline:
                found[int(entry.name)] = cmdline
    return found


def _children(parents: set[int]) -> set[int]:
    kids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) in parents:
                kids.add(int(entry.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigint_mid_run_leaves_no_postgres_and_no_folder(postgres_ready: None) -> None:
    # A temporary parent the servers' user can enter, watched for leftovers.
    base = tempfile.mkdtemp(prefix="capquest-lab-test-")
    os.chmod(base, 0o755)
    env = {**os.environ, "TMPDIR": base, "CAPQUEST_LANG": "en"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "capquest",
            "lab",
            "five-to-six",
            "--card",
            "replica-check",
            "--seconds",
            "20",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        seen = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            if line.startswith("playing"):
                break
        assert seen and seen[-1].startswith("playing"), "".join(seen)
        time.sleep(1.0)  # mid-run: clients connected, replicas streaming
        servers = set(_processes_under(base))
        assert len(servers) >= 3, "a primary and two replicas were running"
        every_pid = servers | _children(servers)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert not _processes_under(base)
    assert not [pid for pid in every_pid if _alive(pid)], "a server or backend outlived the lab"
    leftovers = list(Path(base).iterdir())
    assert leftovers == []
    os.rmdir(base)
    assert "Traceback" not in err
