"""The VIP-card part of the OpenAPI document."""
from talent.core.openapi import DATABASE_ID, ERROR, ERRORS, json_content, list_of, path_id

TALENT_ID = path_id("talent_id")
CARD_ID = path_id("card_id")
CARD = {"type": "object", "properties": {
    "id": {"type": "integer"}, "number": {"type": "string", "example": "LBYC-2026-000123"},
    "talent_id": {"type": "integer"}, "tier": {"type": "string", "example": "B"},
    "issued_on": {"type": "string", "format": "date"}, "expires_on": {"type": "string", "format": "date"},
    "status": {"type": "string", "enum": ["active", "expired", "revoked", "replaced"]},
    "rule_version": {"type": "integer"}, "revoked_on": {"type": "string", "nullable": True},
    "revoke_reason": {"type": "string", "nullable": True},
    "replaces_id": {"type": "integer", "nullable": True}, "qr_png": {"type": "string"}}}
VERIFICATION = {"type": "object", "properties": {
    "valid": {"type": "boolean"},
    "status": {"type": "string", "enum": ["active", "expired", "revoked", "replaced", "invalid"]},
    "tier": {"type": "string", "nullable": True},
    "holder": {"type": "string", "description": "masked, e.g. 张*三"},
    "expires_on": {"type": "string", "format": "date", "nullable": True}}}
_CHECK = {"type": "object", "properties": {"criterion": {"type": "string"}, "met": {"type": "boolean"},
                                           "detail": {"type": "string"}}}
ELIGIBILITY = {"type": "object", "properties": {
    "talent_id": {"type": "integer"}, "rule_version": {"type": "integer"},
    "eligible": {"type": "boolean"}, "tier": {"type": "string", "nullable": True},
    "tier_name": {"type": "string"}, "summary": {"type": "string"},
    "requirements": {"type": "array", "items": _CHECK},
    "tiers": {"type": "array", "items": {"type": "object", "properties": {
        "tier": {"type": "string"}, "name": {"type": "string"}, "met": {"type": "boolean"},
        "criteria": {"type": "array", "items": _CHECK}}}}}}



RECOMMENDED = {"type": "object", "properties": {
    **list_of("#/components/schemas/Recommended")["properties"],
    "rule_version": {"type": "integer", "description": "现行发卡规则版本：名单按它计算"},
    "complete": {"type": "boolean", "description": "false：规则变更后仍在重新计算，名单暂不完整"},
    "computed": {"type": "integer"}, "talents": {"type": "integer"}}}
RECOMMENDED_ITEM = {"type": "object", "properties": {
    "talent_id": {"type": "integer"}, "name": {"type": "string"}, "employer": {"type": "string"},
    "tier": {"type": "string"}, "tier_name": {"type": "string"},
    "reasons": {"type": "array", "items": {"type": "string"}}}}


def openapi() -> tuple[dict, dict]:
    paths = {
            "/api/v1/cards/recommended": {
                "get": {"summary": "推荐发放名单：按现行规则符合条件、尚未持卡的人才（已存储的资格）",
                        "responses": {"200": json_content(RECOMMENDED), **ERRORS}},
            },
            "/api/v1/talents/{talent_id}/eligibility": {
                "parameters": [TALENT_ID],
                "get": {"summary": "VIP卡资格审核（逐条说明符合与否）；人才本人可查自己的",
                        "responses": {"200": json_content(ELIGIBILITY), **ERRORS}},
            },
            "/api/v1/cards": {
                "post": {"summary": "发放VIP卡（不符合条件返回 422 并列出未满足的条件）",
                         "requestBody": json_content({"type": "object", "required": ["talent_id"],
                                               "properties": {"talent_id": {
                                                   **DATABASE_ID, "x-server-rule": True}}}),
                         "responses": {"201": json_content(CARD), **ERRORS}},
            },
            "/api/v1/cards/{card_id}": {
                "parameters": [CARD_ID],
                "get": {"summary": "卡片详情", "responses": {"200": json_content(CARD), **ERRORS}},
            },
            "/api/v1/cards/{card_id}/revoke": {
                "parameters": [CARD_ID],
                "post": {"summary": "注销（必须填写原因）",
                         "requestBody": json_content({"type": "object", "required": ["reason"],
                                               "properties": {"reason": {"type": "string"}}}),
                         "responses": {"200": json_content(CARD), **ERRORS}},
            },
            "/api/v1/cards/{card_id}/renew": {
                "parameters": [CARD_ID],
                "post": {"summary": "续期（同一卡号，按现行规则重新审核，有效期三年）",
                         "responses": {"200": json_content(CARD), **ERRORS}},
            },
            "/api/v1/cards/{card_id}/reissue": {
                "parameters": [CARD_ID],
                "post": {"summary": "挂失补办（新卡号；原卡二维码失效）",
                         "responses": {"201": json_content(CARD), **ERRORS}},
            },
            "/api/v1/cards/{card_id}/upgrade": {
                "parameters": [CARD_ID],
                "post": {"summary": "升档（新卡号，原卡二维码失效；有效期不变，"
                                    "new_term 为 true 时重新起算三年；"
                                    "持卡人不符合所升类别返回 422，规则版本已更新返回 409）",
                         "requestBody": json_content({"type": "object", "required": ["tier", "version"],
                                               "properties": {
                                                   "tier": {"type": "string", "example": "A"},
                                                   "version": {"type": "integer",
                                                               "description": "所依据的发卡规则版本"},
                                                   "new_term": {"type": "boolean", "default": False}}}),
                         "responses": {"201": json_content(CARD), **ERRORS}},
            },
            "/api/v1/cards/{card_id}/qr.png": {
                "parameters": [CARD_ID],
                "get": {"summary": "核验二维码 PNG",
                        "responses": {"200": {"description": "PNG", "content": {"image/png": {}}},
                                      **ERRORS}},
            },
            "/api/v1/cards/verify/{token}": {
                "parameters": [{"name": "token", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "get": {"summary": "公开核验（无需登录，按客户端限流）", "security": [],
                        "responses": {"200": json_content(VERIFICATION), "429": ERROR}},
            },
    }
    return paths, {"Recommended": RECOMMENDED_ITEM}
