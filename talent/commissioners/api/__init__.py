"""The commissioner API of DESIGN.md: rounds, commissioners, service targets, assignments,
service logs and projects — GET list with filters, POST, ``/<id>`` GET and PATCH.

Staff (县科工信局, admin) write; ``org`` reads; a commissioner reads their own rows and writes
their own service logs — anyone else's row is a 404.
"""
from talent.commissioners.api import assignments, logs, needs, people, projects, rounds, targets  # noqa: F401
from talent.commissioners.api.common import bp  # noqa: F401
