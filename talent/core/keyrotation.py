"""Re-encrypt every encrypted column under the current data key (``flask rotate-data-key``).

Runs while the system serves: each batch is its own short transaction, and a row is rewritten
only if it still holds the ciphertext the batch read (``WHERE id_number = :old``), so an edit
made meanwhile — already written under the current key — is never overwritten. What the run
has not reached stays readable with the retired key, which must stay configured until the run
reports nothing left. Interrupted, it simply starts again: finished rows already carry the
current version and are not selected.

Rows are updated with Core statements, not the ORM: rotation is no edit, so it neither bumps
the optimistic-concurrency ``version`` (a form open meanwhile stays valid) nor ``updated_at``.
"""
import getpass
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from talent.core import audit
from talent.core.crypto import CryptoError, EncryptedString, keyring
from talent.extensions import db


@dataclass
class Rotation:
    version: int
    rewritten: dict[str, int] = field(default_factory=dict)
    remaining: dict[str, int] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return not any(self.remaining.values())


def encrypted_columns() -> list[tuple[str, str, str]]:
    """(table, primary-key column, encrypted column) for every ``EncryptedString`` column."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedString):
                (key,) = table.primary_key.columns
                found.append((table.name, key.name, column.name))
    return found


def _plain_view(table: str, key: str, column: str):
    """The table as raw text, so the statements see ciphertext instead of decrypting it."""
    return sa.table(table, sa.column(key, sa.Integer), sa.column(column, sa.String))


def _stale(view, column: str, current: int):
    return sa.and_(view.c[column].is_not(None), view.c[column].not_like(f"v{current}$%"))


def remaining() -> dict[str, int]:
    """How many values each column still holds under a retired key."""
    current = keyring().current
    counts = {}
    for table, key, column in encrypted_columns():
        view = _plain_view(table, key, column)
        counts[f"{table}.{column}"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(view).where(_stale(view, column, current)))
    return counts


def rotate(batch_size: int = 500, max_batches: int | None = None,
           progress: Callable[[str, int], None] | None = None) -> Rotation:
    """Rewrite up to ``max_batches`` batches (all, by default); commits after each batch."""
    keys = keyring()
    rotation = Rotation(keys.current)
    try:
        _rotate_columns(keys, rotation, batch_size, max_batches, progress)
    except CryptoError as error:
        # The batches before this one are committed: say so in the audit log, then stop.
        db.session.rollback()
        _audit(keys.current, rotation, f"数据密钥轮换至版本 {keys.current}（中止：{error}）")
        raise
    rotation.remaining = remaining()
    _audit(keys.current, rotation, f"数据密钥轮换至版本 {keys.current}"
           + ("（已完成）" if rotation.done else "（未完成，可再次运行继续）"))
    return rotation


def _audit(version: int, rotation: Rotation, summary: str) -> None:
    audit.record(None, "rotate_key", audit.Subject("data_keys", version), {
        "rewritten": [None, sum(rotation.rewritten.values())],
        "remaining": [None, sum(rotation.remaining.values()) if rotation.remaining else None],
        "operator": [None, f"{getpass.getuser()}@{socket.gethostname()}"]}, summary=summary)
    db.session.commit()


def _rotate_columns(keys, rotation: Rotation, batch_size: int, max_batches: int | None, progress) -> None:
    batches = 0
    for table, key, column in encrypted_columns():
        view, context, name = _plain_view(table, key, column), f"{table}.{column}", f"{table}.{column}"
        rotation.rewritten[name] = 0
        last = 0
        while max_batches is None or batches < max_batches:
            rows = db.session.execute(
                sa.select(view.c[key], view.c[column])
                .where(view.c[key] > last, _stale(view, column, keys.current))
                .order_by(view.c[key]).limit(batch_size)).all()
            if not rows:
                break
            # Decrypting first means a value no configured key can read stops the run here,
            # with the version named, before anything of this batch is written.
            values = [{"row_id": row_id, "old": stored,
                       "new": keys.encrypt(keys.decrypt(stored, context), context)}
                      for row_id, stored in rows]
            result = db.session.execute(
                sa.update(view).where(view.c[key] == sa.bindparam("row_id"),
                                      view.c[column] == sa.bindparam("old"))
                .values({column: sa.bindparam("new")}), values)
            db.session.commit()
            rotation.rewritten[name] += result.rowcount
            last = rows[-1][0]
            batches += 1
            if progress:
                progress(name, rotation.rewritten[name])
