"""Change logs read as people write: names and labels, never raw ids, content types or field names."""
from talent.core import features
from talent.core.templating import change_value
from talent.extensions import db
from tests.commissioners.world import make_assignment, make_commissioner, make_target


def test_log_values_read_as_names_and_labels(app):
    assert change_value("attachment_type", "application/pdf", "recommendations") == "PDF 文件"
    assert change_value("attachment_type", "image/jpeg", "programmes") == "JPEG 图片"
    assignment = make_assignment(make_commissioner("蒋国平"), make_target("双牌县何家洞镇养殖合作社"))
    db.session.flush()
    assert change_value("assignment_id", assignment.id, "service_logs") == "蒋国平 → 双牌县何家洞镇养殖合作社"


def test_log_field_names_are_chinese(app):
    labels = features.audit_fields()
    assert labels["service_requests"]["talent_id"] == "人才"  # its value is the name, not a number
    assert labels["workday_overrides"] == {"day": "日期", "is_workday": "是否工作日", "note": "说明"}
