from talent.core.features import Feature, MenuEntry
from talent.core.permissions import Permission
from talent.dashboard import views

feature = Feature(
    name="dashboard",
    blueprints=(views.bp,),
    menu=(
        MenuEntry("dashboard.index", "工作台", "speedometer2", Permission.SIGNED_IN, order=0,
                  visible=lambda user: not user.can(Permission.PORTAL)),
        MenuEntry("dashboard.audit_log", "操作日志", "journal-text", Permission.AUDIT_READ, order=95,
                  group="系统管理"),
    ),
)
