"""Two imports at once sharing ID numbers (issue 7.1): one wins whole, the other is told why and
keeps nothing, on SQLite and PostgreSQL."""
import threading
from io import BytesIO

from openpyxl import Workbook
from sqlalchemy import func, select

from talent.extensions import db
from talent.registry import spreadsheet
from talent.registry.models import Talent
from talent.registry.spreadsheet import HEADERS
from tests.factories import resident_id


def _workbook(id_numbers: list[str]) -> bytes:
    workbook = Workbook()
    workbook.active.append(HEADERS)
    for number in id_numbers:
        values = {"姓名": "李明", "证件号码": number, "学历": "硕士研究生",
                  "工作单位": "湖南双牌竹木科技有限公司", "专业领域": "农林产品(竹木)精深加工"}
        workbook.active.append([values.get(h, "") for h in HEADERS])
    data = BytesIO()
    workbook.save(data)
    return data.getvalue()


def test_two_imports_sharing_id_numbers(app, auth, monkeypatch):
    user = auth.login_as("org")
    shared = [resident_id() for _ in range(5)]
    files = {"a": _workbook([resident_id() for _ in range(10)] + shared),
             "b": _workbook(shared + [resident_id() for _ in range(7)])}
    both_checked = threading.Barrier(2, timeout=20)
    real_create = spreadsheet.create_talents

    def create_after_both_checked(*args, **kwargs):
        both_checked.wait()  # both passed the duplicate check; now both write
        return real_create(*args, **kwargs)

    monkeypatch.setattr(spreadsheet, "create_talents", create_after_both_checked)
    answers = {}

    def upload(name: str):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
        response = client.post("/talents/import", data={"file": (BytesIO(files[name]), "人才.xlsx")},
                               content_type="multipart/form-data")
        answers[name] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=upload, args=(name,)) for name in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(status for status, _page in answers.values())
    assert statuses == [200, 302], answers
    winner = next(name for name, (status, _page) in answers.items() if status == 302)
    loser_page = next(page for status, page in answers.values() if status == 200)
    assert "导入期间已由他人登记" in loser_page and "本次导入未保存任何数据" in loser_page
    db.session.rollback()
    assert db.session.scalar(select(func.count(Talent.id))) == {"a": 15, "b": 12}[winner]
