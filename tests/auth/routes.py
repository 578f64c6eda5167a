from tests.factories import UserFactory


def route_ids(user, role, ids):
    return {"user_id": UserFactory(role="commissioner").id}
