"""A throwaway PostgreSQL primary and streaming replicas, in a temporary folder, on free loopback ports.

`Cluster` is a context manager: it always stops every server it started and removes its folder, on
success, on an error and on Ctrl-C (KeyboardInterrupt). Servers run in a session of their own
(`start_new_session`), so the terminal's Ctrl-C reaches only capquest, which then shuts them down in
order; each server's pid is known, so nothing is found or killed by name.

Run as root, every PostgreSQL program runs as an unprivileged user (PostgreSQL refuses root): the
`postgres` system user where it exists, or the one given. The binaries come from CAPQUEST_PG_BINDIR when set,
else PATH, `pg_config --bindir` or Debian's /usr/lib/postgresql/<version>/bin (newest first).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PROGRAMS = ("initdb", "pg_basebackup", "postgres")  # the server is run directly, so its pid is ours
DEBIAN_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "capquest"  # the role initdb creates; trust authentication on loopback only
DATABASE = "postgres"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


class LabUnavailable(RuntimeError):
    """The lab cannot run on this machine (PostgreSQL or psycopg missing, no unprivileged user):
    one line saying what to install or pass."""


class ClusterError(RuntimeError):
    """A server failed to start or replicate; the message ends with the tail of its log."""


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(p) for p in path.name.split(".") if p.isdigit()) or (0,)


def _candidate_dirs() -> list[Path]:
    chosen = os.environ.get("CAPQUEST_PG_BINDIR")
    if chosen:  # one version among several, or a build of one's own: look nowhere else
        return [Path(chosen)]
    dirs: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                dirs.append(Path(out.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    if DEBIAN_ROOT.is_dir():
        versions = sorted((p for p in DEBIAN_ROOT.iterdir() if p.is_dir()), key=_version_key, reverse=True)
        dirs.extend(v / "bin" for v in versions)
    return dirs


def find_bindir() -> Path:
    """The folder holding initdb, pg_basebackup and postgres, or LabUnavailable naming the
    package to install."""
    for folder in _candidate_dirs():
        if all((folder / name).is_file() and os.access(folder / name, os.X_OK) for name in PROGRAMS):
            return folder
    from capquest.i18n import t

    raise LabUnavailable(t("lab.no_postgres"))


def server_version(bindir: Path) -> str:
    """The version, e.g. 15.18 from "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"."""
    import re

    out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True, timeout=10)
    found = re.search(r"\(PostgreSQL\) (\S+)", out.stdout)
    return found.group(1) if found else "?"


@dataclass(frozen=True)
class RunAs:
    """Who the servers run as: None when capquest is not root (they run as the caller)."""

    uid: int
    gid: int
    name: str


def run_as_for(pg_user: str | None) -> RunAs | None:
    """As root: the unprivileged user the servers run as (`pg_user`, else `postgres`). Otherwise None;
    `pg_user` is then ignored, since only root can switch users."""
    if os.geteuid() != 0:
        return None
    import pwd

    name = pg_user or "postgres"
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        from capquest.i18n import t

        raise LabUnavailable(t("lab.no_user", user=name)) from None
    if entry.pw_uid == 0:
        from capquest.i18n import t

        raise LabUnavailable(t("lab.root_user", user=name))
    return RunAs(entry.pw_uid, entry.pw_gid, name)


def free_port() -> int:
    """A loopback port nobody listens on now (the server binds it a moment later; a clash is retried)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """One running PostgreSQL server."""

    name: str  # "primary", "replica-1", ...
    port: int
    datadir: Path
    process: subprocess.Popen | None = None

    @property
    def node(self) -> str:
        """The node name the history uses: the server's role and its real port."""
        return f"{self.name}:{self.port}"

    def conninfo(self) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={DATABASE} connect_timeout=5"


@dataclass
class Cluster:
    """`with Cluster(replicas=2) as cluster:` a primary and `replicas` streaming replicas, each replica
    applying commits `apply_delay_ms` late (recovery_min_apply_delay)."""

    replicas: int = 1
    apply_delay_ms: float | list[float] = 0.0
    pg_user: str | None = None
    on_step: Callable[[str], None] | None = None  # told each step ("initdb", "primary", "replica-1"...)
    bindir: Path = field(default_factory=find_bindir)
    servers: list[Server] = field(default_factory=list)
    folder: Path | None = None
    _run_as: RunAs | None = None

    # ------------------------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def primary(self) -> Server:
        return self.servers[0]

    @property
    def replica_servers(self) -> list[Server]:
        return self.servers[1:]

    def _delays(self) -> list[float]:
        if isinstance(self.apply_delay_ms, list):
            return [float(d) for d in self.apply_delay_ms] + [0.0] * (
                self.replicas - len(self.apply_delay_ms)
            )
        return [float(self.apply_delay_ms)] * self.replicas

    def start(self) -> None:
        # Last resort for an exit that skips our `finally` (a daemon thread at interpreter exit).
        atexit.register(self.stop)
        self._run_as = run_as_for(self.pg_user)
        self.folder = Path(tempfile.mkdtemp(prefix="capquest-lab-"))
        if self._run_as is not None:
            _check_traversable(self.folder, self._run_as)
            os.chown(self.folder, self._run_as.uid, self._run_as.gid)
        self._step("initdb")
        primary = Server("primary", 0, self.folder / "primary")
        self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(primary.datadir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ]
        )
        _append_conf(
            primary.datadir,
            {
                "listen_addresses": "'127.0.0.1'",
                "unix_socket_directories": "''",
                "fsync": "off",  # a throwaway database: durability buys nothing here, speed does
                "full_page_writes": "off",
                "shared_buffers": "'32MB'",
                "max_connections": "120",
                "max_wal_senders": str(self.replicas + 4),
                "wal_level": "replica",
                "wal_sender_timeout": "'10s'",
                "log_min_messages": "warning",
                "logging_collector": "off",
            },
        )
        self.servers.append(primary)
        self._start_server(primary)
        for i, delay in enumerate(self._delays(), start=1):
            name = f"replica-{i}"
            self._step(name)
            replica = Server(name, 0, self.folder / name)
            self._run(
                [
                    str(self.bindir / "pg_basebackup"),
                    "-D",
                    str(replica.datadir),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(primary.port),
                    "-U",
                    SUPERUSER,
                    "-R",
                    "-X",
                    "stream",
                    "-c",
                    "fast",
                    "--no-sync",
                ]
            )
            (replica.datadir / "lab.conf").write_text(_delay_line(delay), encoding="utf-8")
            if self._run_as is not None:
                os.chown(replica.datadir / "lab.conf", self._run_as.uid, self._run_as.gid)
            _append_conf(
                replica.datadir, {"hot_standby": "on", "include_if_exists": "'lab.conf'"}, fresh=False
            )
            self.servers.append(replica)
            self._start_server(replica)

    def set_apply_delay(self, delays_ms: float | list[float]) -> None:
        """Change the replicas' recovery_min_apply_delay while they run (a reload, no restart)."""
        self.apply_delay_ms = delays_ms
        for server, delay in zip(self.replica_servers, self._delays(), strict=False):
            (server.datadir / "lab.conf").write_text(_delay_line(delay), encoding="utf-8")
            if server.process is not None and server.process.poll() is None:
                os.kill(server.process.pid, signal.SIGHUP)

    def stop(self) -> None:
        """Stop every server (immediate shutdown, then kill) and remove the folder. Safe to
        call twice, and from a second Ctrl-C: each step checks what is left."""
        atexit.unregister(self.stop)
        try:
            for server in reversed(self.servers):
                _stop_process(server.process)
        finally:
            self.servers.clear()
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
                self.folder = None

    # ---------------------------------------------------------------------------------- internals
    def _step(self, name: str) -> None:
        if self.on_step is not None:
            self.on_step(name)

    def _popen_user(self) -> dict:
        if self._run_as is None:
            return {}
        return {"user": self._run_as.uid, "group": self._run_as.gid, "extra_groups": []}

    def _run(self, argv: list[str]) -> None:
        # A session of its own: Ctrl-C in the terminal interrupts capquest, which then cleans up; the
        # child is not killed half-way through writing into the folder we are about to remove.
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=self.folder,
            start_new_session=True,
            env=_server_env(),
            **self._popen_user(),
        )
        try:
            out, _ = proc.communicate(timeout=120)
        except BaseException:
            _stop_process(proc)
            raise
        if proc.returncode != 0:
            tail = (out or b"").decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ClusterError(f"{Path(argv[0]).name} failed: " + " | ".join(tail))

    def _start_server(self, server: Server) -> None:
        for _attempt in range(5):
            server.port = free_port()
            log = server.datadir.parent / f"{server.name}.log"
            with open(log, "ab") as log_file:
                server.process = subprocess.Popen(
                    [
                        str(self.bindir / "postgres"),
                        "-D",
                        str(server.datadir),
                        "-p",
                        str(server.port),
                    ],
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    cwd=self.folder,
                    start_new_session=True,
                    env=_server_env(),
                    **self._popen_user(),
                )
            if _wait_ready(server, START_TIMEOUT_S):
                return
            _stop_process(server.process)
            server.process = None
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            if "could not bind" not in text and "Address already in use" not in text:
                tail = " | ".join(text.strip().splitlines()[-3:])
                raise ClusterError(f"{server.name} did not start: {tail}")
        raise ClusterError(f"{server.name} did not start: no free port")


def _server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


def _delay_line(delay_ms: float) -> str:
    return f"recovery_min_apply_delay = '{round(delay_ms)}ms'\n"


def _append_conf(datadir: Path, settings: dict[str, str], *, fresh: bool = True) -> None:
    # Appended to postgresql.conf: the last setting of a name wins. A replica inherits the primary's
    # file through pg_basebackup, so it only adds its own lines.
    lines = "".join(f"{k} = {v}\n" for k, v in settings.items())
    with open(datadir / "postgresql.conf", "a", encoding="utf-8") as f:
        f.write(("\n# capquest lab\n" if fresh else "") + lines)


def _check_traversable(folder: Path, run_as: RunAs) -> None:
    # The server's user must reach its data folder: every parent must let "others" through.
    for parent in folder.parents:
        mode = parent.stat().st_mode
        if not mode & 0o001 and parent.stat().st_uid != run_as.uid:
            from capquest.i18n import t

            shutil.rmtree(folder, ignore_errors=True)
            raise LabUnavailable(t("lab.folder_closed", folder=str(parent), user=run_as.name))


def _wait_ready(server: Server, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process is None or server.process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.5):
                pass
            if _accepts_queries(server):
                return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def _accepts_queries(server: Server) -> bool:
    import psycopg

    try:
        with psycopg.connect(server.conninfo(), autocommit=True) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def _stop_process(proc: subprocess.Popen | None) -> None:
    """SIGQUIT (PostgreSQL's immediate shutdown: no checkpoint, the data is thrown away anyway), then
    SIGKILL; always reaped."""
    if proc is None:
        return
    for sig, wait_s in ((signal.SIGQUIT, STOP_TIMEOUT_S), (signal.SIGKILL, 5.0)):
        if proc.poll() is not None:
            return
        try:
            proc.send_signal(sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue
        except KeyboardInterrupt:
            continue  # a second Ctrl-C: escalate rather than leave the server running
