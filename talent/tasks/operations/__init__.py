"""Operations of the task tracker. They flush and audit; the request commits.

Who may do what on an item (object-level, on top of the role's permission):

- report: staff of one of the item's lead or responsible units (the admin on behalf of any);
- confirm / return a report, mark the item complete, reply to a 督办单: staff of a lead unit;
- accept completion, issue 督办单, set tolerance and baselines, copy a plan: the 专班 office —
  staff of the plan's office unit (县科工信局) — and the admin.

One module per concern; this package re-exports them so callers write ``operations.submit_report``.
"""
from talent.tasks.operations.access import (  # noqa: F401
    ORG_UNIT,
    NotYourItem,
    TaskRefused,
    acting_unit,
    is_admin,
    is_convener,
    is_lead,
    is_office,
    is_unit_of,
    reporting_units,
    require_lead,
    require_office,
)
from talent.tasks.operations.closing import (  # noqa: F401
    close_plan,
    proposed_outcomes,
)
from talent.tasks.operations.completion import (  # noqa: F401
    accept_completion,
    request_completion,
)
from talent.tasks.operations.directives import (  # noqa: F401
    ACKNOWLEDGE_WITHIN,
    acknowledge_directive,
    close_directive,
    directive_counts,
    escalate_late_directives,
    issue_directive,
    reply_directive,
)
from talent.tasks.operations.discipline import (  # noqa: F401
    UnitDiscipline,
    reporting_discipline,
)
from talent.tasks.operations.figures import (  # noqa: F401
    Contribution,
    contributions,
    contributions_of,
    county_figure,
    enter_value,
    latest_figures,
    official_unit_ids,
    record_figure,
    refresh_actual,
    value_units,
)
from talent.tasks.operations.lighting import (  # noqa: F401
    refresh_lights,
)
from talent.tasks.operations.periods import (  # noqa: F401
    PERIOD_PATTERN,
    REPORT_DUE_DAY,
    check_period,
)
from talent.tasks.operations.plans import (  # noqa: F401
    INDICATOR_FIELDS,
    add_indicator,
    copy_plan,
    default_period,
    proposed_deadline,
    proposed_deadlines,
    update_indicator,
    update_item,
    update_settings,
)
from talent.tasks.operations.reading import (  # noqa: F401
    active_plans,
    count_by_light,
    directives_of,
    evaluator,
    items_query,
    light_history,
    load_plan,
    missing_reports_for_unit,
    office_reports_waiting,
    open_directives,
    plans,
    report_counts,
    reported_periods,
    reports_of,
    unit_items,
)
from talent.tasks.operations.reminders import (  # noqa: F401
    REMIND_DAYS_BEFORE,
    Missing,
    missing_reports,
    send_deadline_reminders,
    send_reminders,
    send_report_due_reminders,
    sweep,
)
from talent.tasks.operations.reports import (  # noqa: F401
    MAX_ATTACHMENTS,
    attach,
    check_uploads,
    may_review,
    reportable_indicators,
    require_reviewer,
    review_report,
    reviewer_refusal,
    submit_report,
)
from talent.tasks.operations.seed import (  # noqa: F401
    expand_unit_groups,
    seed_work_plan,
)
