"""Personal data at rest: SM4-GCM encryption and HMAC-SM3 blind indexes.

A resident ID number is sensitive personal information (PIPL art. 28); 等保 asks for it to be
kept confidential in storage and 密评 (GB/T 39786) for the national algorithms. So:

- ``EncryptedString`` columns hold ``v<version>$<base64(nonce ‖ ciphertext ‖ tag)>``: SM4 in
  GCM mode from ``cryptography`` (OpenSSL), a random 96-bit nonce per value, the column's name
  as associated data (a value copied into another column does not decrypt), and the number of
  the key that wrote it, so keys can be rotated while old values stay readable.
- What must still be *found* by exact value gets a blind index beside it: HMAC-SM3 of the
  normalised value under a second key (``INDEX_KEY``). Equal values give equal indexes — the
  unique index and the duplicate checks work on it — but the index reveals nothing without
  the key. Comparing an encrypted column itself is refused, since it would silently never match.

Keys come from the environment (``DATA_KEY``, ``DATA_KEYS_RETIRED``, ``INDEX_KEY``); see
``talent/config.py`` and README 数据安全. A wrong or missing key is an error naming the key
version, never garbage on a page.
"""
import base64
import binascii
import hashlib
import logging
import os
import re
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from flask import current_app, has_app_context
from sqlalchemy import String, event, inspect
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from talent.core.validators import normalize_id_number

log = logging.getLogger(__name__)

DATA_KEY_BYTES = 16  # SM4 has a 128-bit key
INDEX_KEY_BYTES = 32  # HMAC-SM3: a key as long as the digest
NONCE_BYTES = 12
TAG_BYTES = 16
STORED = re.compile(r"^v(\d{1,4})\$([A-Za-z0-9_-]+={0,2})$")


class CryptoError(RuntimeError):
    """A key is missing, malformed or does not fit the stored data."""


class KeyConfigError(CryptoError):
    """The configured keys are unusable (checked at start-up)."""


def _key_bytes(name: str, text: str, size: int) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise KeyConfigError(f"{name} 应为 {size * 2} 位十六进制字符（{size * 8} 位密钥），"
                             "当前值含非十六进制字符") from None
    if len(key) != size:
        raise KeyConfigError(f"{name} 应为 {size * 2} 位十六进制字符（{size * 8} 位密钥），"
                             f"当前为 {len(text.strip())} 位")
    return key


def parse_versioned_key(name: str, text: str) -> tuple[int, bytes]:
    """``"2:0123…"`` → (2, key); a bare key is version 1."""
    version, _, key = text.strip().rpartition(":")
    if not version:
        return 1, _key_bytes(name, key, DATA_KEY_BYTES)
    if not re.fullmatch(r"[0-9]{1,4}", version) or int(version) == 0:
        raise KeyConfigError(f"{name} 的版本号应为 1–9999 的整数（格式：版本号:密钥），当前为 “{version}”")
    return int(version), _key_bytes(f"{name}（版本 {version}）", key, DATA_KEY_BYTES)


def sm3_digest(data: bytes = b""):
    """``hashlib``-style SM3 constructor (for itsdangerous' ``digest_method``)."""
    return hashlib.new("sm3", data)


def check_algorithms() -> None:
    """Fail at start-up, clearly, if this OpenSSL lacks SM3 or SM4 (some builds leave them out)."""
    try:
        hashlib.new("sm3", b"abc")
    except ValueError:
        raise KeyConfigError("当前 Python 的 OpenSSL 不提供 SM3（hashlib.new('sm3') 失败）："
                             "请使用 OpenSSL 3 构建的 Python") from None
    try:
        Cipher(algorithms.SM4(bytes(DATA_KEY_BYTES)), modes.GCM(bytes(NONCE_BYTES))).encryptor()
        hmac.HMAC(bytes(INDEX_KEY_BYTES), hashes.SM3())
    except UnsupportedAlgorithm:
        raise KeyConfigError("当前 cryptography/OpenSSL 不支持 SM4-GCM 或 HMAC-SM3") from None


@dataclass
class Keyring:
    """The data keys by version (the current one writes, all of them read) and the index key."""

    data_keys: dict[int, bytes] = field(repr=False)
    current: int
    index_key: bytes = field(repr=False)

    @classmethod
    def from_config(cls, config) -> "Keyring":
        current, key = parse_versioned_key("DATA_KEY", config["DATA_KEY"])
        keys = {current: key}
        for item in filter(None, (config.get("DATA_KEYS_RETIRED") or "").split(",")):
            version, old = parse_versioned_key("DATA_KEYS_RETIRED", item)
            if version in keys:
                raise KeyConfigError(f"密钥版本 {version} 重复：DATA_KEY 与 DATA_KEYS_RETIRED "
                                     "中每个版本只能出现一次")
            keys[version] = old
        return cls(keys, current, _key_bytes("INDEX_KEY", config["INDEX_KEY"], INDEX_KEY_BYTES))

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        encryptor = Cipher(algorithms.SM4(self.data_keys[self.current]), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(context.encode())
        body = encryptor.update(plaintext.encode()) + encryptor.finalize()
        blob = base64.urlsafe_b64encode(nonce + body + encryptor.tag).decode()
        return f"v{self.current}${blob}"

    def decrypt(self, stored: str, context: str) -> str:
        version, blob = split_stored(stored)
        key = self.data_keys.get(version)
        if key is None:
            raise CryptoError(f"数据由密钥版本 {version} 加密，但未配置该版本的密钥"
                              "（DATA_KEY 或 DATA_KEYS_RETIRED）；密钥轮换完成前不得移除旧密钥")
        nonce, body, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(context.encode())
        try:
            return (decryptor.update(body) + decryptor.finalize()).decode()
        except InvalidTag:
            raise CryptoError(f"密钥版本 {version} 无法解密 {context} 的数据：密钥与加密时的不符，"
                              "或数据已被改动") from None

    def blind_index(self, value: str) -> str:
        """HMAC-SM3 of the normalised value (full-width digits, lower-case x … all index alike).

        Not cached: a cache would keep thousands of plain numbers in the worker for its life."""
        mac = hmac.HMAC(self.index_key, hashes.SM3())
        mac.update(b"id_number\x00" + normalize_id_number(value).encode())
        return mac.finalize().hex()


def split_stored(stored: str) -> tuple[int, bytes]:
    match = STORED.match(stored)
    if match is None:
        raise CryptoError("数据库中的值不是本系统的密文格式（未加密的旧数据？请先运行 flask db upgrade）")
    try:
        blob = base64.urlsafe_b64decode(match[2])
    except binascii.Error:
        raise CryptoError("密文已损坏（base64 无法解码）") from None
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise CryptoError("密文已损坏（长度不足）")
    return int(match[1]), blob


def is_encrypted(value: str | None) -> bool:
    return value is not None and STORED.match(value) is not None


def version_of(stored: str) -> int:
    return split_stored(stored)[0]


def keyring() -> Keyring:
    if not has_app_context():
        raise CryptoError("加密字段只能在应用上下文中读写（需要 DATA_KEY）")
    return current_app.extensions["keyring"]


def blind_index(value: str | None) -> str | None:
    return None if value in (None, "") else keyring().blind_index(value)


class EncryptedString(TypeDecorator):
    """A string column stored encrypted; ``context`` names it ("talents.id_number")."""

    impl = String
    cache_ok = True

    def __init__(self, length: int, context: str):
        super().__init__(length)
        self.context = context

    class comparator_factory(String.Comparator):  # the name SQLAlchemy looks up
        def operate(self, op, *other, **kwargs):
            if op in (operators.is_, operators.is_not) or (
                    op in (operators.eq, operators.ne) and other == (None,)):
                return super().operate(op, *other, **kwargs)
            raise CryptoError("加密字段不能直接比较或排序（每次加密结果都不同）：请用它的盲索引列")

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return keyring().encrypt(str(value), self.context)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return keyring().decrypt(value, self.context)


def keep_blind_index(model, attribute: str, index_attribute: str) -> None:
    """Give ``model.index_attribute`` the blind index of ``model.attribute`` whenever a row is
    written with a new value (constructor, form, import, API alike).

    Bulk inserts that bypass the ORM (``insert(Model)`` with dicts) must give the index
    themselves, with ``blind_index``."""

    def set_index(_mapper, _connection, target) -> None:
        if inspect(target).attrs[attribute].history.has_changes():
            setattr(target, index_attribute, blind_index(getattr(target, attribute)))

    event.listen(model, "before_insert", set_index)
    event.listen(model, "before_update", set_index)


def install(app) -> None:
    """Parse and check the keys once, at start-up; a bad key stops the app with a clear message."""
    check_algorithms()
    app.extensions["keyring"] = Keyring.from_config(app.config)
    for name in ("DATA_KEY", "DATA_KEYS_RETIRED", "INDEX_KEY"):  # not left where config dumps show it
        app.config.pop(name, None)


def check_keys_against_data(app, metadata) -> None:
    """At start-up, per encrypted column: every value must carry a configured key version (one
    scan: a retired key removed before its rotation finished stops the app here, naming the
    version), and the first and the last value must decrypt, with their blind index matching —
    so a wrong data or index key stops the app too, instead of failing page by page (or, for
    the index key, silently letting duplicates in). Values still in clear (a database not yet
    through the encryption migration) are logged, not refused, so ``flask db upgrade`` can run.
    A database not yet created is skipped."""
    keys = app.extensions["keyring"]
    with app.app_context():
        for table in metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, EncryptedString):
                    _check_column(keys, table, column)


def _check_column(keys: Keyring, table, column) -> None:
    from sqlalchemy import and_, func, literal, not_, or_, select
    from sqlalchemy import column as raw_column
    from sqlalchemy import table as raw_table
    from sqlalchemy.exc import DBAPIError

    from talent.extensions import db

    index_name = f"{column.name}_index"
    view = raw_table(table.name, raw_column("id"), raw_column(column.name, String),
                     raw_column(index_name, String))
    value = view.c[column.name]
    index = view.c[index_name] if index_name in table.columns else literal(None)
    unknown = and_(value.is_not(None), not_(or_(*(value.like(f"v{v}$%") for v in keys.data_keys))))
    try:
        with db.engine.connect() as connection:
            rows = [connection.execute(select(value, index).where(value.is_not(None))
                                       .order_by(order).limit(1)).first()
                    for order in (view.c.id.asc(), view.c.id.desc())]
            stray = connection.execute(select(value).where(unknown).limit(1)).scalar()
            strays = connection.execute(select(func.count()).where(unknown)).scalar() if stray else 0
    except DBAPIError:  # no such table or column yet: `flask db upgrade` comes next
        return
    if stray is not None and is_encrypted(stray):
        raise KeyConfigError(f"启动检查：{column.type.context} 有 {strays} 条数据由密钥版本 "
                             f"{version_of(stray)} 加密，但未配置该版本的密钥"
                             "（DATA_KEY 或 DATA_KEYS_RETIRED）；密钥轮换报告“尚余 0 条”之前不得移除旧密钥")
    if stray is not None:
        log.error("%s: %d values are not encrypted; run `flask db upgrade`", column.type.context, strays)
    for stored, stored_index in filter(None, rows):
        if not is_encrypted(stored):
            continue
        try:
            plain = keys.decrypt(stored, column.type.context)
        except CryptoError as error:
            raise KeyConfigError(f"启动检查：{error}") from None
        if stored_index is not None and keys.blind_index(plain) != stored_index:
            raise KeyConfigError(f"启动检查：INDEX_KEY 与数据库中 {column.type.context} 的盲索引不符"
                                 "（换用了另一把索引密钥？）；不符的索引会让重复登记无法发现")
