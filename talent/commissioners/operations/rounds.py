"""Selection rounds (选派批次)."""
from collections.abc import Mapping

from talent.commissioners.models import (
    SelectionRound,
)
from talent.commissioners.operations.base import Conflict, create_audited, update_audited


def _round_conflict():
    return Conflict("已有同名的选派批次", fields={"name": ["已有同名的选派批次"]})


def create_round(actor, values: Mapping) -> SelectionRound:
    return create_audited(actor, SelectionRound(**values), values, values["name"], _round_conflict)


def update_round(actor, selection_round: SelectionRound, values: Mapping) -> dict:
    return update_audited(actor, selection_round, values, selection_round.name, _round_conflict)
