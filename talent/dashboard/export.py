"""The audit log as .xlsx for an 等保 review: the page's filters, every value written as text
(never a formula), and the export itself recorded in the log it exports."""
from talent.core import audit, features, timeutil
from talent.core.spreadsheet import write_xlsx
from talent.core.templating import change_value
from talent.dashboard.queries import AuditQuery
from talent.extensions import db

HEADERS = ["时间（北京时间）", "操作人", "操作", "对象", "对象编号", "摘要", "变更内容", "来源地址"]
WIDTHS = [20, 16, 12, 14, 10, 30, 60, 16]


def _changes_text(entry: audit.AuditEntry, labels: dict) -> str:
    field_labels = labels.get(entry.object_type, {})
    lines = []
    for name, pair in (entry.changes or {}).items():
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        label = field_labels.get(name, name)
        if old in (None, "", []):
            lines.append(f"{label}：{change_value(name, new, entry.object_type)}")
        else:
            lines.append(f"{label}：{change_value(name, old, entry.object_type)} → "
                         f"{change_value(name, new, entry.object_type)}")
    return "\n".join(lines)


def export_audit_log(actor, query: AuditQuery):
    """The file (open, for send_file) of every entry the filters select, newest first."""
    object_labels, action_labels = features.audit_objects(), features.audit_actions()
    field_labels = features.audit_fields()
    entries = db.session.scalars(query.select().execution_options(yield_per=1000))
    written = [0]

    def rows():
        for entry in entries:
            written[0] += 1
            yield [timeutil.local(entry.at, "%Y-%m-%d %H:%M:%S"), entry.actor_label,
                   action_labels.get(entry.action, entry.action),
                   object_labels.get(entry.object_type, entry.object_type), entry.object_id or "",
                   entry.summary, _changes_text(entry, field_labels), entry.client]

    output = write_xlsx("操作日志", HEADERS, rows(), WIDTHS)
    filters = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in query.args().items()}
    audit.record_export(actor, audit.AuditEntry.__tablename__, "操作日志", filters, written[0], False)
    return output
