"""Backups of the database and restoring one (``flask --app app backup`` / ``restore``).

SQLite: the online backup API copies a consistent snapshot page by page while the
application keeps serving (readers and writers wait at most a moment); a restore
copies the backup back the same way, into the live file. PostgreSQL: ``pg_dump
--format=custom`` and ``pg_restore --clean --single-transaction``; the password goes
to them through ``PGPASSWORD``, never on the command line.

Every restore first takes a backup of what it is about to replace.
"""
import glob
import os
import shutil
import sqlite3
import subprocess  # nosec B404
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

SUFFIX = {"sqlite": ".sqlite", "postgresql": ".dump"}


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message is shown as it is."""


def backend(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in SUFFIX:
        raise BackupError(f"不支持备份此类数据库：{name}")
    return name


def default_target(folder: Path, url: str, label: str = "") -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return Path(folder) / f"talent-{stamp}{'-' + label if label else ''}{SUFFIX[backend(url)]}"


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("内存数据库无法备份")
    return path


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise BackupError(f"找不到 {name}（安装 postgresql-client）")


def _pg_args(url: str) -> tuple[list[str], dict]:
    parsed = make_url(url)
    args = ["--dbname", parsed.database or ""]
    if parsed.host:
        args += ["--host", parsed.host]
    if parsed.port:
        args += ["--port", str(parsed.port)]
    if parsed.username:
        args += ["--username", parsed.username]
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} 失败：{result.stderr.strip()[-500:]}")


def backup(url: str, target: Path) -> Path:
    """Write a consistent copy of the database at ``url`` to ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if backend(url) == "sqlite":
        source_path = _sqlite_path(url)
        if not Path(source_path).exists():
            raise BackupError(f"数据库文件不存在：{source_path}")
        source, copy = sqlite3.connect(source_path), sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        args, env = _pg_args(url)
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), *args], env)
    os.replace(partial, target)
    target.chmod(0o600)  # it holds every ID number
    return target


def check(url: str, source: Path) -> None:
    """Refuse a file that is not a backup of this application for this kind of database."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source}")
    if backend(url) == "sqlite":
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as connection:
                connection.execute("SELECT count(*) FROM users").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"不是本系统的 SQLite 备份：{error}") from None
    elif source.read_bytes()[:5] != b"PGDMP":
        raise BackupError("不是 pg_dump --format=custom 生成的备份")


def restore(url: str, source: Path) -> None:
    """Replace the database at ``url`` with the backup ``source`` (checked first)."""
    check(url, source)
    if backend(url) == "sqlite":
        backup_copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(_sqlite_path(url))
        try:
            backup_copy.backup(live)
        finally:
            live.close()
            backup_copy.close()
    else:
        args, env = _pg_args(url)
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              *args, str(source)], env)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``folder``; returns what was deleted."""
    backups = sorted(p for suffix in SUFFIX.values() for p in Path(folder).glob(f"talent-*{suffix}"))
    doomed = backups[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed
