"""Roles, permissions and the decorators every route declares.

Each view carries ``required_permission`` so a test can walk the URL map and
prove that no route was left without one.
"""
from enum import StrEnum
from functools import wraps

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user


class Role(StrEnum):
    ADMIN = "admin"
    ORG = "org"
    UNIT = "unit"
    COMMISSIONER = "commissioner"
    TALENT = "talent"
    LEADER = "leader"  # 专班召集人/副召集人: the task tracker, read-only
    EMPLOYER = "employer"


ROLE_LABELS = {
    Role.ADMIN: "系统管理员",
    Role.ORG: "县委组织部",
    Role.UNIT: "单位经办人",
    Role.COMMISSIONER: "科技特派员",
    Role.TALENT: "人才",
    Role.LEADER: "专班召集人",
    Role.EMPLOYER: "用人单位",
}


class Permission(StrEnum):
    PUBLIC = "public"  # anyone, signed in or not
    SIGNED_IN = "signed_in"  # any active account
    TALENTS_READ = "talents_read"
    TALENTS_WRITE = "talents_write"
    TALENTS_EXPORT = "talents_export"
    ID_NUMBERS_FULL = "id_numbers_full"
    USERS_MANAGE = "users_manage"
    AUDIT_READ = "audit_read"
    CARDS_READ = "cards_read"
    CARDS_ISSUE = "cards_issue"
    CARD_RULES_MANAGE = "card_rules_manage"
    PORTAL = "portal"  # a talent's own profile, card and requests
    ELIGIBILITY_READ = "eligibility_read"  # staff for anyone, a talent for themself
    BENEFITS_REDEEM = "benefits_redeem"  # a window clerk scans a card and records a benefit given
    BENEFITS_REPORT = "benefits_report"  # every unit's redemptions, for 组织部
    PROGRAMMES_MANAGE = "programmes_manage"  # talent programmes and their yearly calls
    RECOMMENDATIONS_WRITE = "recommendations_write"  # recommend talents, record outcomes
    RECOMMENDATIONS_READ = "recommendations_read"  # staff for all, a talent their own
    SERVICE_REQUESTS = "service_requests"  # the service-request API: own (talent), unit's, or all
    SERVICES_HANDLE = "services_handle"  # staff pages: queue, detail, transitions
    SERVICES_FILE_FOR_OTHERS = "services_file_for_others"  # file on a talent's behalf (人才办)
    SERVICES_FIGURES = "services_figures"  # figures per unit and type, export
    SERVICES_CONFIGURE = "services_configure"  # service types and the holiday calendar
    TASKS_READ = "tasks_read"  # the task list, its lights and the 调度 view
    TASKS_REPORT = "tasks_report"  # report progress, confirm, reply to 督办 (own unit's items)
    TASKS_SUPERVISE = "tasks_supervise"  # the 专班 office (县科工信局): 督办, acceptance, settings
    TASKS_EXPORT = "tasks_export"  # the 调度 report (.docx/.xlsx)
    # Confirm or return a progress report: lead units and the office (tasks.operations checks the
    # item); the 专班 leader only the office's own reports (four eyes on the office).
    TASKS_REVIEW = "tasks_review"
    # 科技特派员: rows are scoped by commissioners.operations.visible_to; a unit other than
    # 县科工信局 is refused (403) by the feature's own check.
    COMMISSIONERS_READ = "commissioners_read"  # API reads and photos: staff all, a commissioner own
    COMMISSIONERS_STAFF = "commissioners_staff"  # the staff pages (read)
    COMMISSIONERS_MANAGE = "commissioners_manage"  # rounds, commissioners, targets, confirm, grade
    SERVICE_LOGS_WRITE = "service_logs_write"  # write service logs (own, or any for staff)
    COMMISSIONER_SELF = "commissioner_self"  # a commissioner's own field pages
    TARGET_NEEDS = "target_needs"  # read 服务对象's 技术需求: staff all, a commissioner or target its own
    TARGET_NEEDS_POST = "target_needs_post"  # post and change needs: 县科工信局, or the target's account
    # Give an account a one-time password: an admin any account, 组织部 talents' and
    # commissioners' accounts only (auth.operations.may_reset answers 403 for the rest).
    PASSWORDS_RESET = "passwords_reset"
    # Employers (用人单位) and the VIP card applied for online.
    EMPLOYERS_MANAGE = "employers_manage"  # 组织部: employers, their staff and accounts
    EMPLOYER_DESK = "employer_desk"  # an employer's own pages (its staff)
    CARD_APPLICATIONS = "card_applications"  # rows scoped: own (talent), own staff's (employer), all
    CARD_APPLICATIONS_DESK = "card_applications_desk"  # the queue; start one for someone
    CARD_APPLICATIONS_REVIEW = "card_applications_review"  # 组织部's review and statistics
    # 人才津贴补贴: claims are scoped by allowances.operations.visible_to (a talent their own, an
    # employer its staff's, 组织部 all, staff of 县人社局/县财政局 all, other units none).
    ALLOWANCE_POLICIES_MANAGE = "allowance_policies_manage"
    ALLOWANCES = "allowances"
    ALLOWANCES_FILE = "allowances_file"  # file a claim: a talent their own, 组织部 for anyone
    ALLOWANCES_LEDGER = "allowances_ledger"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission) - {Permission.PORTAL, Permission.EMPLOYER_DESK},
    Role.ORG: frozenset(
        {
            Permission.SIGNED_IN,
            Permission.TALENTS_READ,
            Permission.TALENTS_WRITE,
            Permission.TALENTS_EXPORT,
            Permission.ID_NUMBERS_FULL,
            Permission.CARDS_READ,
            Permission.CARDS_ISSUE,
            Permission.ELIGIBILITY_READ,
            Permission.BENEFITS_REDEEM,
            Permission.BENEFITS_REPORT,
            Permission.PROGRAMMES_MANAGE,
            Permission.RECOMMENDATIONS_WRITE,
            Permission.RECOMMENDATIONS_READ,
            Permission.SERVICE_REQUESTS,
            Permission.SERVICES_HANDLE,
            Permission.SERVICES_FILE_FOR_OTHERS,
            Permission.SERVICES_FIGURES,
            Permission.TASKS_READ,
            Permission.TASKS_REPORT,
            Permission.TASKS_REVIEW,
            Permission.TASKS_EXPORT,
            Permission.COMMISSIONERS_READ,
            Permission.COMMISSIONERS_STAFF,
            Permission.TARGET_NEEDS,
            Permission.PASSWORDS_RESET,
            Permission.EMPLOYERS_MANAGE,
            Permission.CARD_APPLICATIONS,
            Permission.CARD_APPLICATIONS_DESK,
            Permission.CARD_APPLICATIONS_REVIEW,
            Permission.ALLOWANCE_POLICIES_MANAGE,
            Permission.ALLOWANCES,
            Permission.ALLOWANCES_FILE,
            Permission.ALLOWANCES_LEDGER,
        }
    ),
    # TASKS_SUPERVISE and TASKS_EXPORT reach only the plan's office unit (县科工信局): the
    # tasks feature checks the unit and answers 403 to staff of other units.
    Role.UNIT: frozenset(
        {Permission.SIGNED_IN, Permission.TALENTS_READ, Permission.TALENTS_EXPORT,
         Permission.BENEFITS_REDEEM, Permission.SERVICE_REQUESTS, Permission.SERVICES_HANDLE,
         Permission.SERVICES_FIGURES, Permission.TASKS_READ, Permission.TASKS_REPORT, Permission.TASKS_REVIEW,
         Permission.TASKS_SUPERVISE, Permission.TASKS_EXPORT, Permission.COMMISSIONERS_READ,
         Permission.COMMISSIONERS_STAFF, Permission.COMMISSIONERS_MANAGE, Permission.SERVICE_LOGS_WRITE,
         Permission.TARGET_NEEDS, Permission.TARGET_NEEDS_POST,
         Permission.ALLOWANCES, Permission.ALLOWANCES_LEDGER}
    ),
    Role.COMMISSIONER: frozenset({Permission.SIGNED_IN, Permission.COMMISSIONERS_READ,
                                  Permission.SERVICE_LOGS_WRITE, Permission.COMMISSIONER_SELF,
                                  Permission.TARGET_NEEDS}),
    Role.TALENT: frozenset({Permission.SIGNED_IN, Permission.PORTAL, Permission.ELIGIBILITY_READ,
                            Permission.RECOMMENDATIONS_READ, Permission.SERVICE_REQUESTS,
                            Permission.CARD_APPLICATIONS, Permission.ALLOWANCES, Permission.ALLOWANCES_FILE}),
    # Read-only across the tracker (lights, reports, 督办, the 调度 view and its report); no
    # report or 督办 of their own. One action: confirm or return a report the office itself
    # submitted (TASKS_REVIEW; any other report is refused by the tasks feature).
    Role.LEADER: frozenset({Permission.SIGNED_IN, Permission.TASKS_READ, Permission.TASKS_EXPORT,
                            Permission.TASKS_REVIEW}),
    # An enterprise's or institution's HR account: its own staff only (rows scoped by the
    # applications feature's visible_to).
    Role.EMPLOYER: frozenset({Permission.SIGNED_IN, Permission.EMPLOYER_DESK, Permission.CARD_APPLICATIONS,
                              Permission.CARD_APPLICATIONS_DESK, Permission.ALLOWANCES,
                              Permission.TARGET_NEEDS, Permission.TARGET_NEEDS_POST}),
}


def role_can(role: str | None, permission: Permission) -> bool:
    if permission is Permission.PUBLIC:
        return True
    if role is None:
        return False
    return permission in ROLE_PERMISSIONS.get(Role(role), frozenset())


# The accounts feature hands core its Bearer-token lookup at start-up (``set_token_resolver``),
# so core needs no import of it.
TOKEN_RESOLVER_KEY = "talent_token_resolver"


def set_token_resolver(app, resolve) -> None:
    app.extensions[TOKEN_RESOLVER_KEY] = resolve


# The accounts feature may also hold a signed-in account back from every route but a few (a
# one-time password not yet replaced): ``gate(user)`` answers a response, or None to go on.
ACCOUNT_GATE_KEY = "talent_account_gate"


def set_account_gate(app, gate) -> None:
    app.extensions[ACCOUNT_GATE_KEY] = gate


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def acting_user():
    """The account behind this request: Bearer token for the API, session for pages.

    The API never accepts the session cookie, so it needs no CSRF token and a
    page on another site cannot drive it with a signed-in user's browser.
    """
    if "acting_user" not in g:
        if is_api_request():
            resolve = current_app.extensions.get(TOKEN_RESOLVER_KEY)
            authorization = request.headers.get("Authorization", "")
            g.acting_user = resolve(authorization) if resolve is not None else None
        else:
            # The account itself, not the proxy: handed to login_user (a renewed session), a proxy
            # would make current_user point at itself.
            g.acting_user = current_user._get_current_object() if current_user.is_authenticated \
                else None
    return g.acting_user


def require(permission: Permission):
    """Declare and enforce who may use a route: 401/login when anonymous, 403 when not allowed."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if permission is not Permission.PUBLIC:
                user = acting_user()
                if user is None:
                    if is_api_request():
                        abort(401)
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                gate = current_app.extensions.get(ACCOUNT_GATE_KEY)
                held = gate(user) if gate is not None else None
                if held is not None:
                    return held
                if not role_can(user.role, permission):
                    abort(403)
            return view(*args, **kwargs)

        guarded.required_permission = permission
        return guarded

    return decorate


def public(view):
    return require(Permission.PUBLIC)(view)
