"""Pages of the task tracker: plans, items, reports, 督办, the 调度 view and its exports.

One module per concern; importing them registers their routes on the one blueprint ``bp``."""
from talent.tasks.views import directives, editing, exports, items, plans  # noqa: F401
from talent.tasks.views.common import bp  # noqa: F401
