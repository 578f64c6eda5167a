"""The commissioner part of the OpenAPI document."""
from talent.commissioners import choices
from talent.commissioners.operations.scoring import RULE_FIELDS
from talent.core.openapi import ERROR, ERRORS, PAGING, enum, json_content, list_of, path_id, query_param

DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": "string", "format": "date", "nullable": True}
READ_ONLY_ID = {"type": "integer", "readOnly": True}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def schemas() -> dict:
    return {
        "SelectionRound": {"type": "object", "required": ["year", "level", "name", "starts_on"],
                           "properties": {
                               "id": READ_ONLY_ID, "year": {"type": "integer"},
                               "level": enum(choices.LEVELS), "name": {"type": "string"},
                               "starts_on": DATE, "ends_on": NULLABLE_DATE,
                               "scoring_rules": {
                                   "type": "object",
                                   "description": "考核积分规则；修改即发布新版本"
                                                  "（version 只读，0 为默认规则）",
                                   "properties": {
                                       "version": {"type": "integer", "readOnly": True},
                                       **{key: {"type": "number", "minimum": 0, "maximum": bound,
                                                "description": label}
                                          for key, label, bound in RULE_FIELDS}}}}},
        "Commissioner": {"type": "object", "required": ["name", "employer", "field", "level"],
                         "properties": {
                             "id": READ_ONLY_ID, "name": {"type": "string", "maxLength": 50},
                             "id_number": {"type": "string", "nullable": True,
                                           "description": "居民身份证号码（GB 11643），无权限时脱敏"},
                             "phone": {"type": "string"}, "employer": {"type": "string"},
                             "expertise": {"type": "string"}, "field": enum(choices.FIELDS),
                             "level": enum(choices.LEVELS), "three_regions": {"type": "boolean"},
                             "talent_id": {"type": "integer", "nullable": True},
                             "round_id": {"type": "integer", "nullable": True},
                             "status": enum(choices.STATUSES)}},
        "ServiceTarget": {"type": "object", "required": ["name", "kind", "town"],
                          "properties": {
                              "id": READ_ONLY_ID, "name": {"type": "string"},
                              "kind": enum(choices.TARGET_KINDS),
                              "uscc": {"type": "string", "nullable": True,
                                       "description": "统一社会信用代码；校验位不符时仍保存，"
                                                      "返回 warnings.uscc 且 uscc_valid 为 false"},
                              "uscc_valid": {"type": "boolean", "readOnly": True},
                              "town": enum(name for name, _kind in choices.TOWNS),
                              "address": {"type": "string"}, "contact": {"type": "string"},
                              "phone": {"type": "string"},
                              "warnings": {"type": "object", "readOnly": True}}},
        "Assignment": {"type": "object", "required": ["commissioner_id", "target_id", "starts_on"],
                       "properties": {
                           "id": READ_ONLY_ID, "commissioner_id": {"type": "integer"},
                           "target_id": {"type": "integer"}, "starts_on": DATE,
                           "ends_on": NULLABLE_DATE, "needs": {"type": "string"},
                           "status": enum(choices.ASSIGNMENT_STATUSES)}},
        "ServiceLog": {"type": "object",
                       "required": ["assignment_id", "served_on", "kind", "content", "hours"],
                       "properties": {
                           "id": READ_ONLY_ID, "assignment_id": {"type": "integer"},
                           "commissioner_id": {"type": "integer", "readOnly": True},
                           "target_id": {"type": "integer", "readOnly": True},
                           "served_on": DATE, "kind": enum(choices.LOG_KINDS),
                           "content": {"type": "string"},
                           "hours": {"type": "number", "minimum": 0, "maximum": 24},
                           "trained_count": {"type": "integer", "minimum": 0},
                           "technologies": {"type": "array", "items": {"type": "string"}},
                           "location": {"type": "string"},
                           "client_key": {"type": "string", "maxLength": 64, "nullable": True,
                                          "description": "客户端生成的键：同一特派员重复提交同一键"
                                                         "返回第一次的日志（200）"},
                           "version": {"type": "integer",
                                       "description": "PATCH 时带上读取时的版本，过期返回 409"},
                           "status": {**enum(choices.LOG_STATUSES), "readOnly": True},
                           "confirmed": {"type": "boolean", "readOnly": True},
                           "confirmed_by": {"type": "integer", "nullable": True, "readOnly": True},
                           "confirmed_at": {"type": "string", "format": "date-time",
                                            "nullable": True, "readOnly": True},
                           "return_comment": {"type": "string", "readOnly": True},
                           "photos": {"type": "array", "items": {"type": "integer"},
                                      "readOnly": True},
                           "need_id": {"type": "integer", "nullable": True,
                                       "description": "本次服务回应的服务对象技术需求"},
                           "need_done": {"type": "boolean",
                                         "description": "该需求已解决：日志确认后需求关闭"},
                           "target_rating": {
                               "type": "object", "nullable": True, "readOnly": True,
                               "description": "服务对象扫码确认并评价（每条日志一次）",
                               "properties": {
                                   "score": {"type": "integer", "minimum": 1, "maximum": 5},
                                   "comment": {"type": "string"},
                                   "confirmed_at": {"type": "string", "format": "date-time"}}}}},
        "TargetNeed": {"type": "object", "required": ["title", "field"],
                       "properties": {
                           "id": READ_ONLY_ID, "target_id": {"type": "integer", "readOnly": True},
                           "title": {"type": "string", "maxLength": 100},
                           "field": enum(choices.FIELDS),
                           "description": {"type": "string", "maxLength": 2000},
                           "urgency": enum(choices.URGENCIES),
                           "status": {**enum(choices.NEED_STATUSES),
                                      "description": "open 待对接 / matched 已对接（须有 "
                                                     "commissioner_id）/ closed 已解决"},
                           "commissioner_id": {"type": "integer", "nullable": True,
                                               "description": "对接的科技特派员（仅县科工信局可改）"},
                           "posted_via": {"type": "string", "enum": ["clerk", "target"],
                                          "readOnly": True},
                           "closed_at": {"type": "string", "format": "date-time",
                                         "nullable": True, "readOnly": True},
                           "version": {"type": "integer",
                                       "description": "PATCH 时带上读取时的版本，过期返回 409"}}},
        "CommissionerProject": {"type": "object",
                                "required": ["name", "level", "year", "commissioner_id"],
                                "properties": {
                                    "id": READ_ONLY_ID, "name": {"type": "string"},
                                    "level": enum(choices.PROJECT_LEVELS),
                                    "kind": enum(choices.PROJECT_KINDS),
                                    "year": {"type": "integer"},
                                    "funding": {"type": "number", "description": "万元"},
                                    "commissioner_id": {"type": "integer"},
                                    "target_id": {"type": "integer", "nullable": True},
                                    "status": enum(choices.PROJECT_STATUSES)}},
    }


def _resource(path: str, schema: str, title: str, id_name: str, filters: list) -> dict:
    ref = _ref(schema)
    return {
        path: {
            "get": {"summary": f"{title}列表", "parameters": [*filters, *PAGING],
                    "responses": {"200": json_content(list_of(f"#/components/schemas/{schema}")),
                                  "401": ERROR, "403": ERROR}},
            "post": {"summary": f"新增{title}", "requestBody": json_content(ref),
                     "responses": {"201": json_content(ref), **ERRORS}},
        },
        f"{path}/{{{id_name}}}": {
            "parameters": [path_id(id_name)],
            "get": {"summary": f"{title}详情", "responses": {"200": json_content(ref), **ERRORS}},
            "patch": {"summary": f"修改{title}（只需提交要改的字段）", "requestBody": json_content(ref),
                      "responses": {"200": json_content(ref), **ERRORS}},
        },
    }


def openapi() -> tuple[dict, dict]:
    integer = {"type": "integer"}
    paths = {
        **_resource("/api/v1/rounds", "SelectionRound", "选派批次", "round_id",
                    [query_param("year", integer), query_param("level", enum(choices.LEVELS))]),
        **_resource("/api/v1/commissioners", "Commissioner", "科技特派员", "commissioner_id",
                    [query_param("q", {"type": "string"}), query_param("level", enum(choices.LEVELS)),
                     query_param("status", enum(choices.STATUSES)),
                     query_param("round_id", integer),
                     query_param("idle", {"type": "boolean",
                                          "description": "近30天没有服务日志的在岗特派员"})]),
        **_resource("/api/v1/service-targets", "ServiceTarget", "服务对象", "target_id",
                    [query_param("q", {"type": "string"}),
                     query_param("kind", enum(choices.TARGET_KINDS)),
                     query_param("town_id", integer),
                     query_param("unserved", {"type": "boolean",
                                              "description": "没有进行中派驻的服务对象"})]),
        **_resource("/api/v1/assignments", "Assignment", "派驻", "assignment_id",
                    [query_param("commissioner_id", integer), query_param("target_id", integer),
                     query_param("status", enum(choices.ASSIGNMENT_STATUSES))]),
        **_resource("/api/v1/service-logs", "ServiceLog", "服务日志", "log_id",
                    [query_param("commissioner_id", integer), query_param("target_id", integer),
                     query_param("town_id", integer), query_param("kind", enum(choices.LOG_KINDS)),
                     query_param("status", enum(choices.LOG_STATUSES)),
                     query_param("confirmed", {"type": "boolean"}),
                     query_param("date_from", DATE), query_param("date_to", DATE)]),
        **_resource("/api/v1/projects", "CommissionerProject", "科技项目", "project_id",
                    [query_param("year", integer),
                     query_param("level", enum(choices.PROJECT_LEVELS)),
                     query_param("commissioner_id", integer)]),
    }
    paths["/api/v1/service-logs"]["post"]["responses"]["200"] = {
        "description": "同一 client_key 已提交过：返回第一次的日志",
        **json_content(_ref("ServiceLog"))}
    log_id = [path_id("log_id")]
    paths["/api/v1/service-logs/{log_id}/confirm"] = {"parameters": log_id, "post": {
        "summary": "确认服务日志（县科工信局）",
        "responses": {"200": json_content(_ref("ServiceLog")), **ERRORS}}}
    grades = {"type": "string",
              "enum": ["excellent", "qualified", "basically_qualified", "unqualified"]}
    envelope = list_of("")["properties"]
    paths["/api/v1/rounds/{round_id}/assessment"] = {
        "parameters": [path_id("round_id")], "get": {
            "summary": "按该批次公布的积分规则计算的年度考核（积分、建议等次、评定等次与理由），"
                       "分页（每页至多 100 人，只计算本页）",
            "parameters": [query_param("year", integer), *PAGING],
            "responses": {"200": json_content({"type": "object", "properties": {
                "round_id": {"type": "integer"}, "year": {"type": "integer"},
                **envelope,
                "items": {"type": "array", "items": {"type": "object", "properties": {
                    "commissioner_id": {"type": "integer"}, "name": {"type": "string"},
                    "points": {"type": "number"}, "suggested_grade": grades,
                    "grade": {**grades, "nullable": True}, "reason": {"type": "string"},
                    "rules_version": {"type": "integer"},
                    "service_days": {"type": "integer"}}}}}}), **ERRORS}}}
    paths["/api/v1/service-logs/confirm"] = {"post": {
        "summary": "批量确认服务日志（县科工信局；每条分别留痕，已退回的跳过并说明原因）",
        "requestBody": json_content({"type": "object", "required": ["ids"], "properties": {
            "ids": {"type": "array", "items": {"type": "integer"}, "minItems": 1,
                    "maxItems": 200, "x-server-rule": True}}}),  # every id must be a log
        "responses": {"200": json_content({"type": "object", "properties": {
            "confirmed": {"type": "array", "items": {"type": "integer"}},
            "skipped": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "integer"}, "reason": {"type": "string"}}}}}}), **ERRORS}}}
    paths["/api/v1/service-logs/{log_id}/return"] = {"parameters": log_id, "post": {
        "summary": "退回服务日志并附意见（县科工信局）",
        "requestBody": json_content({"type": "object", "required": ["comment"],
                                     "properties": {"comment": {"type": "string"}}}),
        "responses": {"200": json_content(_ref("ServiceLog")), **ERRORS}}}
    need = _ref("TargetNeed")
    paths["/api/v1/service-targets/{target_id}/needs"] = {
        "parameters": [path_id("target_id")],
        "get": {"summary": "服务对象的技术需求（县科工信局、组织部；服务该对象的特派员；服务对象本单位账号）",
                "parameters": [query_param("status", enum(choices.NEED_STATUSES)), *PAGING],
                "responses": {"200": json_content(list_of("#/components/schemas/TargetNeed")),
                              **ERRORS}},
        "post": {"summary": "登记技术需求（县科工信局，或服务对象本单位账号）",
                 "requestBody": json_content(need),
                 "responses": {"201": json_content(need), **ERRORS}}}
    paths["/api/v1/needs/{need_id}"] = {
        "parameters": [path_id("need_id")],
        "patch": {"summary": "修改技术需求、对接特派员或关闭（只需提交要改的字段和 version）",
                  "requestBody": json_content(need),
                  "responses": {"200": json_content(need), **ERRORS}}}
    return paths, schemas()
