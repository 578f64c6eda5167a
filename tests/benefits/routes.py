from talent.cards.operations import issue_card
from talent.cards.verification import make_token
from tests.factories import TalentFactory


def route_ids(user, role, ids):
    card = issue_card(None, TalentFactory(education="doctorate"))
    return {"token": make_token(card)}
