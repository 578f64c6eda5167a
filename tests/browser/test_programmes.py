"""人才项目推荐申报 in a real browser: org recommends a talent, records the selection, sees the level rise."""
import pytest

from talent.cards import operations as cards
from talent.core import timeutil
from talent.extensions import db
from tests.browser.conftest import open_menu, sign_in
from tests.factories import TalentFactory

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _card_holder(live_app) -> int:
    """A C-card holder with no programme yet: a provincial selection makes them qualify for B."""
    with live_app.app_context():
        talent = TalentFactory(name="蒋小兰", education="master", title_level="intermediate",
                               category="none", programme_level="none", employer="湖南昇宇科技有限公司")
        db.session.flush()
        cards.issue_card(None, talent)
        db.session.commit()
        talent_id = talent.id
        db.session.remove()
    return talent_id


def test_org_recommends_and_records_a_selection(page, live_app):
    talent_id = _card_holder(live_app)
    sign_in(page, "zzb")
    open_menu(page, "人才库", "人才项目推荐")
    assert page.get_by_text("还没有推荐记录").is_visible()

    page.goto(f"/talents/{talent_id}")
    block = page.locator("#talent-recommendations")
    assert "暂无推荐申报记录" in block.inner_text()
    block.get_by_role("link", name="推荐申报").click()
    assert "蒋小兰" in page.locator("#chosen-talent").inner_text()
    page.get_by_label("推荐项目").select_option(label="湖南省湖湘青年英才（省级人才计划）")
    page.get_by_label("发掘渠道").select_option(label="市十大科技创新项目")
    page.get_by_label("推荐说明").fill("市十大科技创新项目“风电装备轻量化”核心成员")
    page.get_by_label("申报材料（PDF/JPG/PNG，不超过10MB）").set_input_files(
        {"name": "湖湘青年英才申报书.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name="提交推荐").click()
    page.wait_for_url("**/recommendations/*")
    assert page.get_by_text("已推荐 蒋小兰 申报湖南省湖湘青年英才").is_visible()
    assert page.locator("#talent-level").inner_text() == "无"
    assert page.get_by_role("link", name="湖湘青年英才申报书.pdf").is_visible()

    page.get_by_label("结果").select_option(label="入选")
    page.get_by_label("公布日期").fill(timeutil.today().isoformat())
    page.get_by_label("文号").fill("湘科人〔2026〕21号")
    page.get_by_role("button", name="保存结果").click()
    assert page.get_by_text("已记录结果：入选").is_visible()
    assert page.get_by_text("已由“无”提升为“省级人才计划”").is_visible()
    assert page.locator("#talent-level").inner_text() == "省级人才计划"
    assert "B类" in page.locator("#upgrade-hint").inner_text()

    # The card is org's to move: listed under 可升档, linked to the card page, still C until renewed.
    page.get_by_role("link", name="可升档名单").click()
    row = page.locator("#upgrades tbody tr")
    assert row.count() == 1 and "蒋小兰" in row.inner_text() and "C类" in row.inner_text()
    row.get_by_role("link", name="办理升档").click()
    page.wait_for_url("**/cards/*")

    page.goto(f"/talents/{talent_id}")
    assert page.locator("dd", has_text="省级人才计划").first.is_visible()
    assert "入选" in page.locator("#talent-recommendations").inner_text()
