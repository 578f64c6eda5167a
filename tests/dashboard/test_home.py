"""The 工作台: a unit's own queue before county-wide figures; 组织部's order unchanged."""
from talent.auth.units import unit_named


def test_a_unit_clerk_sees_their_own_queue_before_the_county_statistics(client, auth):
    auth.login_as("unit", unit=unit_named("县住建局"))
    page = client.get("/").get_data(as_text=True)
    assert 'id="services-panel"' in page and "科技人才信息库" in page
    assert page.index('id="services-panel"') < page.index("科技人才信息库")


def test_org_keeps_the_county_figures_first(client, auth):
    auth.login_as("org")
    page = client.get("/").get_data(as_text=True)
    assert page.index("科技人才信息库") < page.index('id="services-panel"')
