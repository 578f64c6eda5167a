import re

from talent.core.openapi import build_document


def _api_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                yield path, method.lower()


def test_every_api_route_is_documented(app):
    paths = build_document()["paths"]
    missing = [(p, m) for p, m in _api_routes(app) if m not in paths.get(p, {})]
    assert missing == []


def test_document_lists_no_route_that_does_not_exist(app):
    routes = set(_api_routes(app))
    documented = {(p, m) for p, ops in build_document()["paths"].items() for m in ops
                  if m in ("get", "post", "patch", "put", "delete")}
    assert documented - routes == set()


def test_served_without_login(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.")
