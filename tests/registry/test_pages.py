from sqlalchemy import func, select

from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.registry.models import Talent
from tests.factories import TalentFactory, TeamFactory, resident_id

GOOD = {
    "name": "蒋丽华",
    "id_type": "resident_id",
    "id_number": "431123198503150017",
    "nationality": "CN",
    "phone": "13874600001",
    "education": "doctorate",
    "title_level": "senior",
    "title_name": "研究员",
    "employer": "双牌县虎杖生物科技有限公司",
    "field": "biomedicine",
    "category": "leading",
    "source": "introduced",
    "introduced_on": "2023-03-01",
    "programme_level": "provincial",
    "works_in_county": "y",
    "honors": "湖南省芙蓉学者\n永州市五一劳动奖章",
    "status": "active",
}


def count_talents() -> int:
    return db.session.scalar(select(func.count(Talent.id)))


def test_create_talent_fills_birth_date_and_gender_from_id(client, auth):
    auth.login_as("org")
    response = client.post("/talents/new", data=GOOD)
    assert response.status_code == 302
    talent = db.session.scalar(select(Talent))
    assert talent.birth_date.isoformat() == "1985-03-15"
    assert talent.gender == "male"
    assert talent.honors == ["湖南省芙蓉学者", "永州市五一劳动奖章"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "talents"))
    assert entry.action == "create"
    assert entry.changes["id_number"] == [None, "431*************17"]


def test_bad_input_shows_chinese_errors_and_saves_nothing(client, auth):
    auth.login_as("org")
    bad = {**GOOD, "name": "", "id_number": "431123198503150012", "phone": "12345",
           "email": "not-an-email", "education": "phd", "introduced_on": ""}
    body = client.post("/talents/new", data=bad).get_data(as_text=True)
    for message in ("请填写姓名", "校验位不正确", "请输入11位手机号码", "电子邮箱格式不正确",
                    "“phd”不是有效的学历，可选：博士研究生", "引进人才请填写引进时间"):
        assert message in body
    assert count_talents() == 0


def test_birth_date_contradicting_id_is_rejected(client, auth):
    auth.login_as("org")
    body = client.post("/talents/new", data={**GOOD, "birth_date": "1986-01-01", "gender": "female"})
    text = body.get_data(as_text=True)
    assert "出生日期与身份证号码不符" in text
    assert "性别与身份证号码不符" in text
    assert count_talents() == 0


def test_future_dates_are_rejected(client, auth):
    auth.login_as("org")
    text = client.post("/talents/new", data={**GOOD, "introduced_on": "2999-01-01"}).get_data(as_text=True)
    assert "日期不能晚于今天" in text


def test_foreign_talent_uses_passport(client, auth):
    auth.login_as("org")
    foreign = {**GOOD, "id_type": "passport", "id_number": "c4xr29157", "nationality": "de",
               "gender": "male"}
    assert client.post("/talents/new", data=foreign).status_code == 302
    talent = db.session.scalar(select(Talent))
    assert (talent.id_number, talent.nationality) == ("C4XR29157", "DE")
    cn_passport = {**foreign, "id_number": "E12345678", "nationality": "CN"}
    assert "外籍人才" in client.post("/talents/new", data=cn_passport).get_data(as_text=True)
    foreign_with_ric = {**GOOD, "nationality": "US"}
    assert "护照" in client.post("/talents/new", data=foreign_with_ric).get_data(as_text=True)


def test_duplicate_id_number_is_a_form_error(client, auth):
    auth.login_as("org")
    existing = TalentFactory(id_number=GOOD["id_number"])
    db.session.commit()
    text = client.post("/talents/new", data=GOOD).get_data(as_text=True)
    assert f"该证件号码已登记（人才编号 {existing.id}）" in text
    assert count_talents() == 1


def test_edit_records_old_and_new_values(client, auth):
    auth.login_as("org")
    talent = TalentFactory(employer="双牌县人民医院")
    db.session.commit()
    form = {**GOOD, "name": talent.name, "id_number": talent.id_number, "employer": "双牌县中医医院",
            "birth_date": "", "gender": ""}
    assert client.post(f"/talents/{talent.id}/edit", data=form).status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update"))
    assert entry.changes["employer"] == ["双牌县人民医院", "双牌县中医医院"]
    page = client.get(f"/talents/{talent.id}").get_data(as_text=True)
    assert "双牌县人民医院" in page and "工作单位" in page


def test_mark_left_keeps_the_record(client, auth):
    auth.login_as("org")
    talent = TalentFactory()
    db.session.commit()
    assert client.post(f"/talents/{talent.id}/leave").status_code == 302
    db.session.refresh(talent)
    assert talent.status == "left" and talent.left_on is not None
    assert count_talents() == 1


def test_list_search_filters_and_pagination(client, auth):
    auth.login_as("unit")
    TalentFactory(name="唐志刚", employer="湖南昇宇科技有限公司", category="engineer")
    TalentFactory(name="何建平", employer="双牌县人民医院", field="healthcare", category="leading")
    for _ in range(25):
        TalentFactory(name="王芳", employer="双牌县第一中学", field="education")
    db.session.commit()
    assert "唐志刚" in client.get("/talents?q=昇宇").get_data(as_text=True)
    filtered = client.get("/talents?field=healthcare").get_data(as_text=True)
    assert "何建平" in filtered and "唐志刚" not in filtered
    assert "共 1 条" in client.get("/talents?q=何建平").get_data(as_text=True)
    first = client.get("/talents?q=王芳").get_data(as_text=True)
    assert "共 25 条" in first and "第 1/2 页" in first
    assert "没有符合条件的人才" in client.get("/talents?q=不存在的人").get_data(as_text=True)
    assert client.get("/talents?page=abc&per_page=-3&sort=evil&category=zzz").status_code == 200


def test_ids_masked_for_unit_and_whole_for_org(client, auth):
    talent = TalentFactory(id_number=resident_id(sequence=7))
    db.session.commit()
    auth.login_as("unit")
    masked = client.get(f"/talents/{talent.id}").get_data(as_text=True)
    assert talent.id_number not in masked
    assert talent.id_number[:3] + "*" * 13 + talent.id_number[-2:] in masked
    assert talent.id_number not in client.get("/talents").get_data(as_text=True)
    client.post("/logout")
    auth.login_as("org")
    assert talent.id_number in client.get(f"/talents/{talent.id}").get_data(as_text=True)


def test_unit_user_sees_no_edit_buttons(client, auth):
    auth.login_as("unit")
    talent = TalentFactory()
    db.session.commit()
    page = client.get(f"/talents/{talent.id}").get_data(as_text=True)
    assert "编辑" not in page and "标记已离开" not in page


def test_team_create_and_membership(client, auth):
    auth.login_as("org")
    leader = TalentFactory(category="leading")
    db.session.commit()
    response = client.post("/teams/new", data={"name": "虎杖提取物研发团队", "leader_id": str(leader.id),
                                               "field": "biomedicine", "introduced_on": "2024-06-01"})
    assert response.status_code == 302
    team_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "虎杖提取物研发团队" in team_page and leader.name in team_page
    duplicate = client.post("/teams/new", data={"name": "虎杖提取物研发团队", "field": "biomedicine"})
    assert "已有同名团队" in duplicate.get_data(as_text=True)
    empty = client.post("/teams/new", data={"name": "", "field": ""}).get_data(as_text=True)
    assert "请填写团队名称" in empty and "请选择专业领域" in empty


def test_team_member_listed(client, auth):
    auth.login_as("unit")
    team = TeamFactory()
    TalentFactory(name="欧阳湘云", team=team)
    db.session.commit()
    assert "欧阳湘云" in client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert client.get("/teams/99999").status_code == 404


def test_nationality_is_chosen_by_name_and_stored_as_code(client, auth):
    auth.login_as("org")
    form = client.get("/talents/new").get_data(as_text=True)
    assert '<option value="德国（DE）">' in form and '<option value="中国台湾（TW）">' in form
    assert 'list="countries"' in form
    base = {**GOOD, "name": "Hans Müller", "id_type": "passport", "id_number": "C01X00T47",
            "gender": "male", "birth_date": "1975-03-02"}
    bad = client.post("/talents/new", data={**base, "nationality": "火星"}).get_data(as_text=True)
    assert "“火星”不是可识别的国家或地区" in bad
    assert client.post("/talents/new", data={**base, "nationality": "德国（DE）"}).status_code == 302
    hans = db.session.scalar(db.select(Talent).where(Talent.name == "Hans Müller"))
    assert hans is not None and hans.nationality == "DE"
    edit = client.get(f"/talents/{hans.id}/edit").get_data(as_text=True)
    assert 'value="德国（DE）"' in edit


def test_nationality_accepts_what_a_clerk_types():
    from talent.registry.choices import nationality_code

    assert [nationality_code(t) for t in ("de", "德国", "德国（DE）", "德国(DE)", "中国香港", "", "XX")] == \
        ["DE", "DE", "DE", "DE", "HK", None, None]


def test_list_opens_on_people_in_the_county_and_all_shows_everyone(client, auth, api_token):
    auth.login_as("org")
    TalentFactory(name="在县的人", status="active")
    TalentFactory(name="已离开的人", status="left")
    db.session.commit()
    default = client.get("/talents").get_data(as_text=True)
    assert "在县的人" in default and "已离开的人" not in default
    everyone = client.get("/talents?status=all").get_data(as_text=True)
    assert "在县的人" in everyone and "已离开的人" in everyone
    assert 'status=all' in everyone  # kept in pager and export links
    # The API keeps its contract: no implicit status filter.
    names = {t["name"] for t in client.get("/api/v1/talents", headers=api_token("org")).get_json()["items"]}
    assert {"在县的人", "已离开的人"} <= names


def test_nationalities_use_the_mainland_names_of_gb_t_2659(client, auth):
    from talent.registry.choices import NATIONALITIES

    assert (NATIONALITIES["KH"], NATIONALITIES["GT"], NATIONALITIES["MT"]) == ("柬埔寨", "危地马拉", "马耳他")
    assert NATIONALITIES["IR"] == "伊朗" and NATIONALITIES["CD"] == "刚果（金）"
    assert list(NATIONALITIES)[:3] == ["CN", "US", "GB"]  # the common ones still first
    auth.login_as("org")
    form = client.get("/talents/new").get_data(as_text=True)
    assert "国籍（地区）" in form and "柬埔寨" in form and "柬埔塞" not in form
