"""Stored eligibility: the tier each talent qualifies for under the card-rule version in force,
kept in ``talent_eligibility`` with the version it was computed under, so the 推荐发放名单 is an
index range (``rule_version = current``) instead of the rules evaluated over every talent.

- A talent created, edited or imported: its row is recomputed in the same flush (``after_flush``
  below), so the list changes with the edit.
- A new rule version (or one whose effective date has come): the worker recomputes everyone,
  ``BATCH`` talents a round (``recompute_step``, the cards feature's ``background`` hook), its
  progress kept in ``eligibility_runs``. Until it is done the page says so; a talent whose row
  still carries an older version is never listed, since the list asks for the current version.
"""
from sqlalchemy import delete, event, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from talent.cards import rules as card_rules
from talent.cards.models import CardRuleSet, EligibilityRun, TalentEligibility
from talent.core import timeutil
from talent.core.counters import upsert
from talent.extensions import db
from talent.registry.models import Talent

# The talent columns the rules read (rules.LIST_CRITERIA, the shared requirements, 外籍引进).
QUALIFYING = ("status", "works_in_county", "programme_level", "title_level", "education", "category",
              "nationality", "source")
BATCH = 2000


def rule_set_on(connection, on) -> tuple[int, dict] | None:
    """(version, rules) in force on ``on``, read through ``connection`` (usable inside a flush)."""
    row = connection.execute(
        select(CardRuleSet.version, CardRuleSet.rules).where(CardRuleSet.effective_on <= on)
        .order_by(CardRuleSet.effective_on.desc(), CardRuleSet.version.desc()).limit(1)).first()
    return (row.version, row.rules) if row else None


def store(connection, talents, version: int, rules: dict) -> None:
    """Evaluate and upsert the rows of ``talents`` (changed in this flush)."""
    now = timeutil.utcnow()
    rows = [{"talent_id": t.id, "rule_version": version, "tier": card_rules.evaluate(t, rules).tier,
             "computed_at": now} for t in talents]
    upsert(connection, TalentEligibility.__table__, ["talent_id"], rows,
           replace=("rule_version", "tier", "computed_at"))


def _qualifying_changed(talent: Talent) -> bool:
    state = inspect(talent)
    return any(state.attrs[c].history.has_changes() for c in QUALIFYING)


@event.listens_for(Session, "after_flush")
def _recompute_changed(session: Session, _context) -> None:
    # ``session.new`` builds a new set at each access: read it once (read per talent it made a
    # 20,000-row import spend 23 s here).
    new = [obj for obj in session.new if isinstance(obj, Talent)]
    seen = set(map(id, new))
    changed = new + [obj for obj in session.dirty if isinstance(obj, Talent) and id(obj) not in seen
                     and _qualifying_changed(obj)]
    if not changed:
        return
    connection = session.connection()
    in_force = rule_set_on(connection, timeutil.today())
    if in_force is not None:
        store(connection, changed, *in_force)


# --- the worker's recomputation ---------------------------------------------------------------

def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _run_for(version: int) -> EligibilityRun | None:
    """The run of ``version``, started when missing; locked against a second worker on
    PostgreSQL (``None`` while another worker holds it)."""
    query = select(EligibilityRun).where(EligibilityRun.rule_version == version)
    if _postgresql():
        query = query.with_for_update(skip_locked=True)
    run = db.session.scalar(query)
    if run is None and db.session.get(EligibilityRun, version) is None:
        total = db.session.scalar(select(func.count(Talent.id))) or 0
        try:
            with db.session.begin_nested():
                db.session.add(EligibilityRun(rule_version=version, total=total))
        except IntegrityError:  # another worker started it in the same instant
            return None
        run = db.session.scalar(query)
    return run


def recompute_step(batch: int | None = None) -> dict[str, int]:
    """One batch (``BATCH`` talents) of the recomputation under the version in force (the
    worker's round); commits. Empty when there is nothing to do."""
    batch = batch or BATCH
    in_force = rule_set_on(db.session.connection(), timeutil.today())
    if in_force is None:
        return {}
    version, rules = in_force
    run = _run_for(version)
    if run is None or run.finished_at is not None:
        db.session.commit()
        return {}
    # The tier in SQL (rules.tier_case, the same logic as rules.evaluate): no verdicts built.
    query = (select(Talent.id, card_rules.tier_case(rules).label("tier"))
             .where(Talent.id > run.next_talent_id).order_by(Talent.id).limit(batch))
    if _postgresql():  # an edit of these talents waits for the batch (and the batch for it)
        query = query.with_for_update(of=Talent)
    talents = db.session.execute(query).all()
    if talents:
        now = timeutil.utcnow()
        upsert(db.session.connection(), TalentEligibility.__table__, ["talent_id"],
               [{"talent_id": t.id, "rule_version": version, "tier": t.tier, "computed_at": now}
                for t in talents], replace=("rule_version", "tier", "computed_at"))
        run.next_talent_id, run.done = talents[-1].id, run.done + len(talents)
    else:
        run.finished_at = timeutil.utcnow()
    db.session.commit()
    return {"eligibility": len(talents)} if talents else {"eligibility_finished": 1}


def progress(version: int) -> EligibilityRun | None:
    """The run of ``version`` (``None``: not started yet); done when ``finished_at`` is set."""
    return db.session.get(EligibilityRun, version)


def recompute_all() -> dict[str, int]:
    """Everyone, now, under the version in force (``flask rebuild-summaries``); commits."""
    in_force = rule_set_on(db.session.connection(), timeutil.today())
    if in_force is None:
        return {"talent_eligibility": 0}
    db.session.execute(delete(EligibilityRun).where(EligibilityRun.rule_version == in_force[0]))
    db.session.commit()
    rows = 0
    while "eligibility_finished" not in (result := recompute_step()):
        rows += result.get("eligibility", 0)
        if not result:
            break
    return {"talent_eligibility": rows}
