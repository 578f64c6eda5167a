"""Business operations of the commissioner module, by concern. They flush and audit; the request
commits. Everything is re-exported here, so callers write ``operations.create_log``."""
from talent.commissioners.operations.access import (  # noqa: F401
    can_manage,
    can_read_all,
    check_manager,
    check_reader,
    is_bureau_staff,
    load_visible,
    own_commissioner_id,
    visible_to,
)
from talent.commissioners.operations.assessment import (  # noqa: F401
    ScoredRow,
    YearFigures,
    assessment_query,
    assessment_rows,
    create_project,
    grade,
    scored_rows,
    update_project,
    year_figures,
)
from talent.commissioners.operations.assignments import (  # noqa: F401
    AssignmentQuery,
    _assignment_conflict,
    _assignment_summary,
    _check_assignment,
    create_assignment,
    update_assignment,
)
from talent.commissioners.operations.base import (  # noqa: F401
    Conflict,
    RuleBroken,
    choice_arg,
    create_audited,
    date_arg,
    guarded_flush,
    int_arg,
    update_audited,
    year_bounds,
)
from talent.commissioners.operations.counts import (  # noqa: F401
    county_selected,
    idle_commissioners,
    my_summary,
    provincial_projects,
    staff_summary,
    targets_served,
    towns_without_assignment,
    unserved_targets,
)
from talent.commissioners.operations.logs import (  # noqa: F401
    LogQuery,
    _accounts_of,
    _check_period,
    _log_summary,
    checked_ids,
    confirm_log,
    confirm_logs,
    create_log,
    find_by_client_key,
    remove_photo,
    return_log,
    update_log,
)
from talent.commissioners.operations.needs import (  # noqa: F401
    SUGGESTION_RULE,
    SUGGESTIONS,
    NeedQuery,
    answering_logs,
    check_log_need,
    check_poster,
    close_by_log,
    create_need,
    load_need,
    matched_elsewhere,
    need_choices,
    needs_of_targets,
    needs_visible_to,
    suggestions,
    target_for_needs,
    update_need,
)
from talent.commissioners.operations.people import (  # noqa: F401
    IDLE_DAYS,
    CommissionerQuery,
    _check_one_post,
    _post_taken,
    _raced_post,
    account_of,
    create_account,
    create_commissioner,
    link_account,
    logged_since,
    post_of_talent,
    update_commissioner,
)
from talent.commissioners.operations.rating import (  # noqa: F401
    LINK_DAYS,
    RatingLinkRefused,
    link_expires,
    log_for_token,
    make_token,
    rate,
)
from talent.commissioners.operations.reference import (  # noqa: F401
    assignment_choices,
    commissioner_choices,
    round_choices,
    seed_towns,
    target_choices,
    target_id_by_name,
    town_by_name,
    town_choices,
    towns,
)
from talent.commissioners.operations.rounds import (  # noqa: F401
    _round_conflict,
    create_round,
    update_round,
)
from talent.commissioners.operations.scoring import (  # noqa: F401
    DEFAULT_RULES,
    RULE_FIELDS,
    RULE_LABELS,
    RulesInForce,
    clean_rules,
    rules_history,
    rules_of_round,
    score,
    set_rules,
)
from talent.commissioners.operations.targets import (  # noqa: F401
    TargetQuery,
    _check_target,
    _target_conflict,
    actively_served,
    create_target,
    update_target,
)
