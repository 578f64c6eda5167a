"""The allowances part of the OpenAPI document."""

from talent.allowances.models import PERIODS, STATUSES, STEPS
from talent.core.openapi import ERROR, ERRORS, PAGING, enum, json_content, list_of, path_id, query_param

POLICY = {"$ref": "#/components/schemas/AllowancePolicy"}
CLAIM = {"$ref": "#/components/schemas/AllowanceClaim"}
MONEY = {
    "type": "string",
    "pattern": r"^\d{1,10}(\.\d{1,2})?$",
    "example": "1200.00",
    "description": "元，字符串，最多两位小数（不接受 JSON 数字）",
}
MONTH = {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-03",
         # Inside the policy's years and in order: rules between fields and rows.
         "x-server-rule": True}


def schemas() -> dict:
    read_only = {"readOnly": True}
    return {
        "AllowancePolicy": {
            "type": "object",
            "required": ["name", "amount", "period", "budget", "year"],
            "properties": {
                "id": {"type": "integer", **read_only},
                "name": {"type": "string", "maxLength": 100},
                "document_no": {"type": "string", "maxLength": 100},
                "amount": MONEY,
                "period": enum(PERIODS),
                "months": {
                    "type": "integer",
                    "nullable": True,
                    "description": "享受期限（月），自引进之日起；空为不限",
                },
                "budget": {**MONEY, "description": "年度预算（元）"},
                "year": {"type": "integer", "minimum": 2000, "maximum": 2100, "description": "施行年度"},
                "eligibility": {
                    "type": "object",
                    "properties": {
                        "tiers": {"type": "array", "items": enum(["A", "B", "C"])},
                        "categories": {"type": "array", "items": {"type": "string"}},
                        "educations": {"type": "array", "items": {"type": "string"}},
                        "introduced_within_years": {"type": "integer", "nullable": True},
                    },
                },
                "chain": {"type": "array", "items": enum(STEPS), "description": "审批环节，按此顺序"},
                "note": {"type": "string", "maxLength": 200},
                "active": {"type": "boolean"},
                "version": {
                    "type": "integer",
                    "description": "PATCH 须带上；每次修改生成新版本，已有申请保留原版本",
                },
            },
        },
        "AllowanceClaim": {
            "type": "object",
            "required": ["policy_id", "period_from", "period_to"],
            "properties": {
                "id": {"type": "integer", **read_only},
                "policy_id": {"type": "integer", "x-server-rule": True},
                "talent_id": {"type": "integer", "description": "组织部代为申请时必填",
                              "x-server-rule": True},
                "period_from": MONTH,
                "period_to": MONTH,
                "note": {"type": "string", "maxLength": 1000},
                "amount": {**MONEY, **read_only, "description": "按政策版本和期间计算"},
                "approved_amount": {**MONEY, **read_only, "nullable": True},
                "paid_amount": {**MONEY, **read_only, "nullable": True},
                "paid_on": {"type": "string", "format": "date", "nullable": True, **read_only},
                "voucher_no": {"type": "string", **read_only},
                "status": {**enum(STATUSES), **read_only},
                "policy_version": {"type": "integer", **read_only},
                "version": {"type": "integer", **read_only},
            },
        },
        "AllowanceTransition": {
            "type": "object",
            "required": ["to", "version"],
            "properties": {
                "to": enum(
                    ["reviewed", "rechecked", "approved", "paid", "returned", "rejected", "submitted"]
                ),
                "note": {"type": "string", "maxLength": 500, "description": "returned、rejected 必填"},
                "version": {"type": "integer"},
                "amount": {
                    **MONEY,
                    "description": "approved：核拨金额（不超过计算金额）；paid：发放金额（不超过核拨金额）",
                },
                "paid_on": {"type": "string", "format": "date"},
                "voucher_no": {"type": "string", "maxLength": 60},
                "budget_override": {
                    "type": "string",
                    "maxLength": 200,
                    "description": "超出年度预算时必填的说明（留痕）",
                },
            },
        },
    }


def openapi() -> tuple[dict, dict]:
    paths = {
        "/api/v1/allowance-policies": {
            "get": {
                "summary": "津贴补贴政策",
                "parameters": PAGING,
                "responses": {"200": json_content(list_of(POLICY["$ref"])), "401": ERROR, "403": ERROR},
            },
            "post": {
                "summary": "新增政策（管理员、县委组织部）",
                "requestBody": json_content(POLICY),
                "responses": {"201": json_content(POLICY), **ERRORS},
            },
        },
        "/api/v1/allowance-policies/{policy_id}": {
            "parameters": [path_id("policy_id")],
            "get": {"summary": "政策及其各版本", "responses": {"200": json_content(POLICY), **ERRORS}},
            "patch": {
                "summary": "修改政策（生成新版本，须带 version）",
                "requestBody": json_content(POLICY),
                "responses": {"200": json_content(POLICY), **ERRORS},
            },
        },
        "/api/v1/allowance-claims": {
            "get": {
                "summary": "津贴补贴申请（人才看本人的，用人单位看本单位人员的）",
                "parameters": [
                    query_param("status", enum(STATUSES)),
                    query_param("year", {"type": "integer"}),
                    query_param("talent_id", {"type": "integer"}),
                    query_param("policy_id", {"type": "integer"}),
                    *PAGING,
                ],
                "responses": {"200": json_content(list_of(CLAIM["$ref"])), "401": ERROR, "403": ERROR},
            },
            "post": {
                "summary": "申请（人才本人，或组织部代为申请）；金额按政策版本和期间计算",
                "requestBody": json_content(CLAIM),
                "responses": {"201": json_content(CLAIM), **ERRORS},
            },
        },
        "/api/v1/allowance-claims/{claim_id}": {
            "parameters": [path_id("claim_id")],
            "get": {"summary": "申请详情，含逐月计算", "responses": {"200": json_content(CLAIM), **ERRORS}},
        },
        "/api/v1/allowance-claims/{claim_id}/transition": {
            "parameters": [path_id("claim_id")],
            "post": {
                "summary": "审批：审核、复核、核拨、发放、退回、不予发放、重新提交（提交人不能审批）",
                "requestBody": json_content({"$ref": "#/components/schemas/AllowanceTransition"}),
                "responses": {"200": json_content(CLAIM), **ERRORS},
            },
        },
        "/api/v1/allowance-ledger": {
            "get": {
                "summary": "台账：按政策、按人才的核拨、已发放、未发放，预算使用",
                "parameters": [query_param("year", {"type": "integer"}), *PAGING],
                "responses": {"200": {"description": "台账"}, "401": ERROR, "403": ERROR},
            },
        },
    }
    return paths, schemas()
