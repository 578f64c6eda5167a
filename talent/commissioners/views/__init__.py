"""Staff pages of 科技特派员 (县科工信局 manage, 县委组织部 read), one module per concern; importing
them registers their routes on ``bp``."""
from talent.commissioners.views import assessment, assignments, logs, needs, people, rounds, targets  # noqa: F401
from talent.commissioners.views.common import FIELD_LABELS, attempt, bp  # noqa: F401
