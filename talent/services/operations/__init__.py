"""Service-request operations: filing, the state machine's moves, rating, notes, the daily sweep
and the figures. They flush and audit; the request (or the CLI) commits.

Deadlines (all in working days, see :mod:`talent.services.workdays`):
- acceptance: within 2 working days after the day of filing (``accept_due_on``);
- completion: the type's limit counted from the day of acceptance — but never from later than
  the acceptance deadline, so a unit that accepts late does not win extra days — and pushed
  back by the working days the request spent in 待补件 (``due_on``);
- a reopened request gets the type's limit again from the day it is reopened;
- a transfer keeps every deadline: the clock does not restart.
``deadline_on`` holds whichever deadline runs now (none while 待补件 or closed), so "overdue"
is the SQL condition ``deadline_on < today`` on a stored, indexed column.

The operations live in one module per section; this package re-exports them, so callers keep
writing ``from talent.services import operations as services``.
"""
from talent.services import attachments, workdays

# daily_figures keeps service_figures in step with every flush (a session hook, set up on import).
from talent.services.operations import daily_figures
from talent.services.operations.common import (
    ACCEPT_WITHIN_DAYS,
    DUE_SOON_DAYS,
    ORG_UNIT,
    STALE_MESSAGE,
    NotYourRequest,
    ServiceRefused,
    StaleVersion,
    handlers,
    link,
    next_number,
    related_benefit,
    valid_card,
)
from talent.services.operations.figures import (
    FigureRow,
    completed_count,
    default_period,
    figures,
    on_time_rate,
    pieces,
    received_count,
)
from talent.services.operations.filing import (
    add_note,
    attachment_of,
    attachments_of,
    event_text,
    file_request,
    rate,
    timeline,
    transition,
)
from talent.services.operations.holiday_calendar import (
    delete_override,
    overrides_for,
    set_override,
)
from talent.services.operations.queues import (
    RequestQuery,
    due_soon_condition,
    overdue_condition,
    page_of,
    queue_counts,
    with_related,
)
from talent.services.operations.service_types import (
    DEFAULT_TYPES,
    seed_types,
    type_by_code,
    types,
    units,
    update_type,
)
from talent.services.operations.sweep import (
    sweep,
)
from talent.services.operations.visibility import (
    moves_for,
    roles_of,
    visible_to,
)

__all__ = [
    "ACCEPT_WITHIN_DAYS",
    "DEFAULT_TYPES",
    "DUE_SOON_DAYS",
    "ORG_UNIT",
    "STALE_MESSAGE",
    "FigureRow",
    "NotYourRequest",
    "RequestQuery",
    "ServiceRefused",
    "StaleVersion",
    "add_note",
    "attachment_of",
    "attachments",
    "attachments_of",
    "completed_count",
    "daily_figures",
    "default_period",
    "delete_override",
    "due_soon_condition",
    "event_text",
    "figures",
    "file_request",
    "handlers",
    "link",
    "moves_for",
    "next_number",
    "on_time_rate",
    "overdue_condition",
    "overrides_for",
    "page_of",
    "pieces",
    "queue_counts",
    "rate",
    "received_count",
    "related_benefit",
    "roles_of",
    "seed_types",
    "set_override",
    "sweep",
    "timeline",
    "transition",
    "type_by_code",
    "types",
    "units",
    "update_type",
    "valid_card",
    "visible_to",
    "with_related",
    "workdays",
]
