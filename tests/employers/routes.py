from tests.factories import EmployerFactory


def route_ids(user, role, ids):
    employer_id = user.employer_id if role == "employer" else EmployerFactory().id
    return {"employer_id": employer_id}
