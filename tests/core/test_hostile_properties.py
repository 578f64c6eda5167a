"""Hostile input, property-based (hypothesis) — issue 19: every page form and every API body is
driven with hostile values (lone surrogates, C0/C1 controls, bidi overrides, very long text,
NaN/Infinity, huge numbers, deep nesting) and no endpoint may answer 5xx; then, with hostile
text also planted in the database behind the boundary's back (as data stored before it
existed), every list, detail, export and the audit log is rendered and none may answer 5xx.

Small in `make test` (HOSTILE_EXAMPLES per endpoint, derandomized); set HOSTILE_EXAMPLES and
HOSTILE_RANDOM=1 to explore further, like the API_PROPERTY_* knobs of test_api_properties.py.
"""
import json
import os
import re
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from talent.commissioners.models import ServiceLog
from talent.core.audit import AuditEntry
from talent.extensions import db
from talent.services.models import ServiceRequest
from tests.factories import TEST_PASSWORD, UserFactory
from tests.routes import example_ids

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "2"))
RANDOM = os.environ.get("HOSTILE_RANDOM") == "1"

HOSTILE_TEXT = ["\udfff", "\ud800x", "a\u0001b", "x\u000b\u000c", "\x85\x9f", "\u202egpj.exe",
                "\u2066\u2069", "\ufffe", "\x00", "=HYPERLINK(\"x\")", "𠮷" * 3, "x" * 20_000,
                "", " ", "431123198503150017", "<script>alert(1)</script>", "../../etc/passwd"]
HOSTILE_JSON = ["NaN", "Infinity", "-Infinity", "1e999", "99999999999999999999999", "-1",
                "2147483648", "true", "null", "[]", "{}", "[" * 40 + "]" * 40,
                '{"a":' * 20 + "1" + "}" * 20]
text_values = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=30))
json_values = st.one_of(text_values.map(json.dumps), st.sampled_from(HOSTILE_JSON),
                        st.integers().map(str), st.lists(text_values, max_size=3).map(json.dumps))


def _fill(rule: str, ids: dict) -> str | None:
    try:
        return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule)
    except KeyError:
        return None


def _rules(app, method: str, api: bool):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if method in (rule.methods or ()) and rule.endpoint != "static" \
                and rule.rule.startswith("/api/") == api and "logout" not in rule.rule:
            yield rule


def _sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def _no_server_error(response, where: str, failures: list) -> None:
    if response.status_code >= 500:
        failures.append((where, response.status_code, response.get_data(as_text=True)[:200]))


def _api_properties(app, client) -> dict:
    from talent.core.openapi import build_document

    document = build_document()
    found = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("post", "patch") and isinstance(operation, dict):
                schema = (operation.get("requestBody") or {}).get("content", {}) \
                    .get("application/json", {}).get("schema", {})
                if "$ref" in schema:
                    schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
                found[(path, method)] = sorted(schema.get("properties") or {"x": {}})
    return found


def _drive_api(client, url, method, names, headers, failures):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
              suppress_health_check=list(HealthCheck))
    @given(values=st.lists(json_values, min_size=len(names), max_size=len(names)))
    def drive(values):
        body = "{" + ",".join(f"{json.dumps(n)}:{v}" for n, v in zip(names, values, strict=True)) + "}"
        response = client.open(url, method=method.upper(), data=body,
                               content_type="application/json", headers=headers)
        _no_server_error(response, f"{method.upper()} {url} {body[:80]}", failures)

    return drive


def _drive_form(client, url, names, admin, failures):
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
              suppress_health_check=list(HealthCheck))
    @given(values=st.lists(text_values, min_size=len(names), max_size=len(names)))
    def drive(values):
        # Raw bytes: a lone surrogate goes out as its (invalid) UTF-8, as a hostile client sends it.
        body = "&".join(f"{quote(name)}={quote(value.encode('utf-8', 'surrogatepass'))}"
                        for name, value in zip(names, values, strict=True))
        response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        _no_server_error(response, f"POST {url}", failures)
        _sign_in(client, admin)  # a form may have signed the admin out (password change)

    return drive


def test_hostile_bodies_forms_and_stored_text_never_give_a_server_error(app, client):
    admin = UserFactory(role="admin")
    ids = example_ids(admin, "admin")
    db.session.commit()
    failures: list = []
    token = client.post("/api/v1/auth/token",
                        json={"username": admin.username, "password": TEST_PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}

    # 1. Every API body, field by field, with hostile JSON values (raw text: NaN, nesting …).
    for (path, method), names in _api_properties(app, client).items():
        url = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)

        _drive_api(client, url, method, names, headers, failures)()

    # 2. Every page form: the field names a GET of the page shows, posted with hostile text.
    _sign_in(client, admin)
    for rule in _rules(app, "POST", api=False):
        url = _fill(rule.rule, ids)
        if url is None:
            continue
        names = ["note", "reason", "comment", "version", "q"]
        if "GET" in (rule.methods or ()):
            page = client.get(url)
            names = sorted(set(re.findall(r'name="([a-z_0-9]+)"', page.get_data(as_text=True)))
                           - {"csrf_token"}) or names

        _drive_form(client, url, names, admin, failures)()

    # 3. Hostile text stored behind the boundary's back, then every GET page, export and API.
    # Text columns hold control characters; lone surrogates only get stored inside JSON columns
    # (as escapes), and only on SQLite — PostgreSQL refuses them outright.
    lone = chr(0xDFFF) if db.engine.dialect.name == "sqlite" else chr(0xFFFD)
    for log in db.session.scalars(select(ServiceLog)):
        log.content, log.technologies = "a\u0001b\u202e", [lone, "\u202e", "x\x0b"]
    for req in db.session.scalars(select(ServiceRequest)):
        req.title, req.description = "\x01标题", "说明\x1f431123198503150017"
    db.session.add(AuditEntry(actor_name="tpy\x01", action="update", object_type="service_logs",
                              object_id=1, summary="\x01\u202e", changes={"content": [lone, "\x01"]}))
    db.session.commit()
    for api in (False, True):
        for rule in _rules(app, "GET", api=api):
            url = _fill(rule.rule, ids)
            if url is None:
                continue
            _sign_in(client, admin)
            response = client.get(url, headers=headers if api else {})
            _no_server_error(response, f"GET {url}", failures)
    for url in ("/audit", "/audit?actor=tpy", "/audit?object_type=service_logs"):
        _no_server_error(client.get(url), f"GET {url}", failures)
    assert failures == [], "\n".join(map(str, failures[:30]))
