"""Accounts, the units they belong to, and API tokens."""
from datetime import datetime
from typing import ClassVar

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from talent.core.permissions import ROLE_LABELS, Permission, Role, role_can
from talent.core.timeutil import utcnow
from talent.extensions import db

ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role)


UNIT_KINDS = {"county": "县直单位", "town": "乡镇（管理局）", "window": "服务窗口",
              "finance": "金融机构", "other": "其他"}


class Unit(db.Model):
    """A county unit (县直单位, 乡镇, 窗口 …); staff of a unit handle what is routed to it.

    Units are never deleted: one with accounts or history is retired (``active`` false) and
    stays readable. ``group_name`` gathers units a text names together (the 11 乡镇 and 阳明山管理局
    are 各乡镇(管理局) in the work plan)."""

    __tablename__ = "units"
    __table_args__ = (CheckConstraint(f"kind IN ({', '.join(repr(k) for k in UNIT_KINDS)})",
                                      name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10), default="county", server_default="county")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    group_name: Mapped[str] = mapped_column(String(60), default="", server_default="")
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS[self.kind]

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({ROLE_VALUES})", name="role"),
        CheckConstraint("role != 'unit' OR unit_id IS NOT NULL", name="unit_user_has_unit"),
        CheckConstraint("role != 'employer' OR employer_id IS NOT NULL", name="employer_user_has_employer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    talent_id: Mapped[int | None] = mapped_column(ForeignKey("talents.id"), index=True)
    # A commissioner's account works on that commissioner's assignments and logs only.
    commissioner_id: Mapped[int | None] = mapped_column(ForeignKey("commissioners.id"),
                                                        unique=True)
    # An employer's (用人单位) account sees that employer's staff only.
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    last_login_at: Mapped[datetime | None] = mapped_column()
    # Part of every session cookie; raised on password change or reset, on disabling the account
    # and on 退出所有设备, so that every session signed in before then stops working.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set when staff reset the password to a one-time password: the next sign-in leads to the
    # change-password page and nowhere else until the user has chosen their own.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # When the one-time password stops working (ONE_TIME_PASSWORD_HOURS after the reset); None
    # for a password the user chose, or one set by ``create-user --must-change``.
    one_time_password_expires_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Contact details for notices that leave the browser (SMS, e-mail); a talent's account falls
    # back to the talent record's when these are empty. The mobile number is stored normalised.
    phone: Mapped[str] = mapped_column(String(20), default="", server_default="")
    email: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # Optimistic concurrency for the admin's edit form. Bumped by the admin's edits only
    # (``auth.operations.update_user``), not by sign-ins, so a login never makes an open
    # form stale; every UPDATE still checks it (SQLAlchemy's version_id_col, application-set).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__: ClassVar = {"version_id_col": version, "version_id_generator": False}

    unit: Mapped[Unit | None] = relationship()

    def get_id(self) -> str:
        """What the session cookie holds: the account and its session generation."""
        return f"{self.id}:{self.session_generation}"

    def end_sessions(self) -> None:
        self.session_generation = (self.session_generation or 0) + 1

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def can(self, permission: Permission) -> bool:
        return role_can(self.role, permission)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(db.Model):
    """A Bearer token; only its SHA-256 is stored, so a database leak yields no usable token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()

    user: Mapped[User] = relationship()
