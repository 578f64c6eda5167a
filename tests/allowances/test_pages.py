"""The pages with CSRF on: 组织部 writes a policy, a talent claims, the chain acts through forms."""

import io
import re
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from talent.allowances.models import AllowanceClaim, AllowancePolicy
from talent.extensions import db


def _sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_policy_form_makes_versions(csrf_client, world):
    client = csrf_client
    _sign_in(client, world.org)
    page = client.get("/allowances/policies/new").get_data(as_text=True)
    response = client.post(
        "/allowances/policies/new",
        data={
            "csrf_token": _csrf(page),
            "name": "安家补贴",
            "document_no": "双组发〔2026〕5号",
            "amount": "50,000",
            "period": "once",
            "budget": "300000.00",
            "year": "2026",
            "chain": ["reviewed", "approved"],
            "educations": ["doctorate", "master"],
            "active": "y",
        },
    )
    assert response.status_code == 302
    policy = db.session.scalar(select(AllowancePolicy).order_by(AllowancePolicy.id.desc()))
    assert policy.current.amount == Decimal("50000.00") and policy.current.chain == ["reviewed", "approved"]
    assert policy.current.eligibility["educations"] == ["doctorate", "master"]
    page = client.get(f"/allowances/policies/{policy.id}").get_data(as_text=True)
    bad = client.post(
        f"/allowances/policies/{policy.id}",
        data={
            "csrf_token": _csrf(page),
            "name": "安家补贴",
            "amount": "1.234",
            "period": "once",
            "budget": "1",
            "year": "2026",
            "version": "1",
        },
    )
    assert "金额应为数字，最多两位小数" in bad.get_data(as_text=True)
    client.post(
        f"/allowances/policies/{policy.id}",
        data={
            "csrf_token": _csrf(page),
            "name": "安家补贴",
            "amount": "60000.00",
            "period": "once",
            "budget": "300000.00",
            "year": "2026",
            "chain": ["reviewed", "approved"],
            "version": "1",
            "active": "y",
        },
    )
    db.session.refresh(policy)
    assert [v.amount for v in policy.versions] == [Decimal("50000.00"), Decimal("60000.00")]


def test_claim_through_the_pages(csrf_client, world):
    client = csrf_client
    _sign_in(client, world.talent_user)
    page = client.get("/allowances/claims/new").get_data(as_text=True)
    response = client.post(
        "/allowances/claims/new",
        content_type="multipart/form-data",
        data={
            "files": (io.BytesIO(b"%PDF-1.4\n%%EOF"), "引进协议.pdf"),
            "csrf_token": _csrf(page),
            "policy_id": str(world.policy.id),
            "period_from": "2026-03",
            "period_to": "2026-04",
            "note": "",
        },
    )
    assert response.status_code == 302
    claim = db.session.scalar(select(AllowanceClaim))
    detail = client.get(f"/allowances/claims/{claim.id}").get_data(as_text=True)
    assert "18/31 天" in detail and "3,161.29" in detail
    assert [f.filename for f in claim.files] == ["引进协议.pdf"]
    download = client.get(f"/allowances/claims/{claim.id}/materials/{claim.files[0].id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    refused = client.post(
        f"/allowances/claims/{claim.id}/files",
        content_type="multipart/form-data",
        data={"csrf_token": _csrf(detail), "files": (io.BytesIO(b"not a document"), "x.pdf")},
        follow_redirects=True,
    )
    assert "PDF、JPEG 或 PNG" in refused.get_data(as_text=True)
    db.session.refresh(claim)
    assert len(claim.files) == 1
    mine = client.get("/me/allowances").get_data(as_text=True)
    assert "引进人才生活补贴" in mine

    _sign_in(client, world.org)
    detail = client.get(f"/allowances/claims/{claim.id}").get_data(as_text=True)
    client.post(
        f"/allowances/claims/{claim.id}/transition",
        data={"csrf_token": _csrf(detail), "to": "reviewed", "version": str(claim.version), "note": "同意"},
    )
    db.session.refresh(claim)
    assert claim.status == "reviewed"
    stale = client.post(
        f"/allowances/claims/{claim.id}/transition",
        data={"csrf_token": _csrf(detail), "to": "returned", "version": "1", "note": "x"},
        follow_redirects=True,
    )
    assert "已被他人修改" in stale.get_data(as_text=True)
    assert (
        client.post(
            f"/allowances/claims/{claim.id}/transition",
            data={"to": "returned", "version": str(claim.version), "note": "x"},
        ).status_code
        == 400
    )  # no CSRF token
    db.session.refresh(claim)
    assert claim.status == "reviewed" and claim.paid_on is None and date(2026, 3, 1) == claim.period_from
