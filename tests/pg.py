"""A throwaway PostgreSQL server for the test session, started from Debian's server binaries."""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import closing

import psycopg


def find_bindir() -> str | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    initdb = shutil.which("initdb")
    return os.path.dirname(os.path.realpath(initdb)) if initdb else None


def _free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    """initdb into a temporary folder, start on a free port, drop everything on stop.

    PostgreSQL refuses to run as root, so as root the server runs as the
    ``postgres`` account the Debian package creates.
    """

    def __init__(self, bindir: str, options: str = ""):
        self.bindir = bindir
        self.options = options  # more server settings (-c name=value), e.g. for a benchmark
        self.port = _free_port()
        self.root = tempfile.mkdtemp(prefix="talent-pg-")
        self.data = os.path.join(self.root, "data")
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        self._run(os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off {self.options}")
        self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-o", options,
                  "-l", os.path.join(self.root, "server.log"), "-w", "start")
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE talent_test")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/talent_test"

    def stop(self) -> None:
        try:
            self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class ThrowawayReplica:
    """A streaming replica of a running :class:`ThrowawayPostgres`: ``pg_basebackup -R`` (the
    primary's default pg_hba already trusts local replication), started as a hot standby on a
    free port. ``pause()``/``resume()`` hold and release replay, to make it lag on purpose."""

    def __init__(self, primary: ThrowawayPostgres):
        self.primary = primary
        self.port = _free_port()
        self.data = os.path.join(primary.root, "replica")

    def start(self) -> str:
        primary = self.primary
        primary._run(os.path.join(primary.bindir, "pg_basebackup"), "-h", "127.0.0.1",
                     "-p", str(primary.port), "-U", "postgres", "-D", self.data, "-R", "-X", "stream",
                     "-c", "fast")
        # The primary's own settings too: a standby needs max_connections and the like ≥ the primary's.
        options = (f"-p {self.port} -k {primary.root} -c listen_addresses=127.0.0.1 -c hot_standby=on "
                   f"-c fsync=off {primary.options}")
        primary._run(os.path.join(primary.bindir, "pg_ctl"), "-D", self.data, "-o", options,
                     "-l", os.path.join(primary.root, "replica.log"), "-w", "start")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/talent_test"

    def _sql(self, statement: str):
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            return conn.execute(statement).fetchone()

    def pause(self) -> None:
        """Until replay has stopped: pg_wal_replay_pause() only asks for it."""
        self._sql("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 30
        while self._sql("SELECT pg_get_wal_replay_pause_state()")[0] != "paused":
            if time.monotonic() > deadline:
                raise RuntimeError("the replica did not pause replay")
            threading.Event().wait(0.05)

    def resume(self) -> None:
        self._sql("SELECT pg_wal_replay_resume()")

    def caught_up(self, received: bool = False) -> bool:
        """Whether the replica has replayed (``received``: received) all the primary has written so far."""
        with psycopg.connect(f"host=127.0.0.1 port={self.primary.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            # The insert position: with synchronous_commit=off a commit may not be written out
            # yet. A synchronous commit of our own writes out everything before it, so the
            # replica gets it now, not when the idle WAL writer next wakes (seconds later).
            target = conn.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]
            conn.execute("SET synchronous_commit = on")
            conn.execute("SELECT txid_current()")
        position = "pg_last_wal_receive_lsn()" if received else "pg_last_wal_replay_lsn()"
        return bool(self._sql(f"SELECT {position} >= '{target}'::pg_lsn")[0])

    def stop(self) -> None:
        self.primary._run(os.path.join(self.primary.bindir, "pg_ctl"), "-D", self.data,
                          "-m", "immediate", "stop")
