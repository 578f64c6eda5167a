"""Employers, their staff and their accounts; which talents an employer's account may see."""
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select

from talent.auth import operations as accounts
from talent.auth.models import User
from talent.core import audit
from talent.core.db import check_version, guarded_flush
from talent.core.errors import Refused
from talent.employers.models import Employer, Employment
from talent.extensions import db
from talent.registry.models import Talent


class EmployerError(Refused):
    status = 422


def _name_taken():
    return Refused("已有同名的用人单位", fields={"name": ["已有同名的用人单位"]})


def employers(active_only: bool = False) -> list[Employer]:
    query = select(Employer).order_by(Employer.name)
    if active_only:
        query = query.where(Employer.active.is_(True))
    return list(db.session.scalars(query))


def employer_choices() -> list[tuple[int, str]]:
    return [(e.id, e.name) for e in employers(active_only=True)]


def create_employer(actor, values: Mapping) -> Employer:
    employer = Employer(**values)
    with guarded_flush(_name_taken):
        db.session.add(employer)
    audit.record(actor, "create", employer, audit.snapshot(dict(values)), summary=employer.name)
    return employer


def update_employer(actor, employer: Employer, values: Mapping, version: int | None) -> dict:
    check_version(employer, version)
    with guarded_flush(_name_taken):
        changes = audit.apply_changes(employer, dict(values))
    if changes:
        audit.record(actor, "update", employer, changes, summary=employer.name)
    return changes


def service_target_of(user) -> int | None:
    """The commissioners' service target an employer's account speaks for (its 技术需求), if its
    employer is one."""
    if user is None or user.role != "employer" or user.employer_id is None:
        return None
    return db.session.scalar(select(Employer.service_target_id).where(
        Employer.id == user.employer_id, Employer.active.is_(True)))


def employer_of(talent_id: int) -> Employer | None:
    return db.session.scalar(select(Employer).join(Employment, Employment.employer_id == Employer.id)
                             .where(Employment.talent_id == talent_id))


def set_employment(actor, talent: Talent, employer: Employer, since: date | None = None) -> bool:
    """Record that ``talent`` works for ``employer``; returns whether anything changed."""
    employment = db.session.scalar(select(Employment).where(Employment.talent_id == talent.id))
    if employment is None:
        employment = Employment(talent_id=talent.id, employer_id=employer.id, since=since)
        db.session.add(employment)
        db.session.flush()
        audit.record(actor, "create", employment, audit.snapshot(
            {"talent_id": talent.id, "employer_id": employer.id, "since": since}),
            summary=f"{talent.name} → {employer.name}")
        return True
    changes = audit.apply_changes(employment, {"employer_id": employer.id, "since": since})
    if changes:
        db.session.flush()
        audit.record(actor, "update", employment, changes, summary=f"{talent.name} → {employer.name}")
    return bool(changes)


def end_employment(actor, employer: Employer, talent: Talent) -> None:
    employment = db.session.scalar(select(Employment).where(
        Employment.talent_id == talent.id, Employment.employer_id == employer.id))
    if employment is None:
        raise EmployerError(f"{talent.name} 不在 {employer.name} 的人员名单中")
    audit.record(actor, "delete", employment, {"talent_id": [talent.id, None],
                                               "employer_id": [employer.id, None]},
                 summary=f"{talent.name} 离开 {employer.name}")
    db.session.delete(employment)
    db.session.flush()


def staff_query(employer_id: int):
    """The talents who work for an employer, as a query (what "its own staff" means)."""
    return (select(Talent).join(Employment, Employment.talent_id == Talent.id)
            .where(Employment.employer_id == employer_id).order_by(Talent.name, Talent.id))


def staff_ids(employer_id: int):
    return select(Employment.talent_id).where(Employment.employer_id == employer_id)


def staff_choices(employer_id: int) -> list[tuple[int, str]]:
    return [(t.id, f"{t.name}（{t.id}）") for t in db.session.scalars(staff_query(employer_id))]


def accounts_of(employer: Employer) -> list[User]:
    return list(db.session.scalars(select(User).where(User.employer_id == employer.id)
                                   .order_by(User.username)))


def users_of(employer_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.employer_id == employer_id, User.role == "employer", User.active.is_(True))))


def create_account(actor, employer: Employer, username: str, password: str,
                   display_name: str = "") -> User:
    """An HR account of the employer (组织部 opens it; the one-time password is changed at first
    sign-in like every account 组织部 resets)."""
    if not employer.active:
        raise EmployerError("该用人单位已停用，不能开通账户")
    return accounts.create_user(actor, username, password, "employer", employer_id=employer.id,
                                display_name=display_name)
