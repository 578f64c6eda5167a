"""The talents part of the OpenAPI document."""
from talent.core.openapi import DATABASE_ID, ERROR, ERRORS, enum, json_content, list_of, path_id, query_param
from talent.registry import choices

TALENT = {"$ref": "#/components/schemas/Talent"}
TALENT_ID = path_id("talent_id")


def talent_schema() -> dict:
    date = {"type": "string", "format": "date", "nullable": True}
    return {
        "type": "object",
        "required": ["name", "id_number", "education", "employer", "field"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "name": {"type": "string", "maxLength": 50},
            "gender": enum(choices.GENDERS),
            "id_type": enum(choices.ID_TYPES),
            "id_number": {"type": "string",
                          "description": "masked (431*************17) unless the caller may see it whole"},
            "nationality": {"type": "string", "pattern": "^[A-Z]{2}$", "default": "CN"},
            "birth_date": {**date, "description": "null unless the caller may see ID numbers whole"},
            "birth_year": {"type": "integer", "nullable": True, "readOnly": True},
            "phone": {"type": "string"},
            "email": {"type": "string", "description": "an e-mail address, or empty"},
            "education": enum(choices.EDUCATIONS),
            "title_level": enum(choices.TITLE_LEVELS),
            "title_name": {"type": "string"},
            "employer": {"type": "string"},
            "field": enum(choices.FIELDS),
            "category": enum(choices.CATEGORIES),
            "source": enum(choices.SOURCES),
            "introduced_on": date,
            "programme_level": enum(choices.PROGRAMME_LEVELS),
            "works_in_county": {"type": "boolean", "default": True},
            "team_id": {**DATABASE_ID, "nullable": True},
            "honors": {"type": "array", "items": {"type": "string"}},
            "status": enum(choices.STATUSES),
            "created_at": {"type": "string", "format": "date-time", "readOnly": True},
            "updated_at": {"type": "string", "format": "date-time", "readOnly": True},
            "version": {"type": "integer", "minimum": 1,
                        "description": "bumped by every change; send back the one you read with "
                                       "a PATCH, and a change saved by someone else since then "
                                       "is refused with 409 (code \"stale\") instead of undone"},
        },
    }



def openapi() -> tuple[dict, dict]:
    paths = {
        "/api/v1/talents": {
            "get": {
                "summary": "人才列表（可检索、筛选、分页）",
                "parameters": [
                    query_param("q", {"type": "string", "description": "姓名、工作单位或电话"}),
                    query_param("category", enum(choices.CATEGORIES)),
                    query_param("field", enum(choices.FIELDS)),
                    query_param("title_level", enum(choices.TITLE_LEVELS)),
                    query_param("education", enum(choices.EDUCATIONS)),
                    query_param("source", enum(choices.SOURCES)),
                    query_param("status", enum(choices.STATUSES)),
                    query_param("nationality", {"type": "string"}),
                    query_param("sort", {"type": "string", "example": "-id"}),
                    query_param("page", {"type": "integer", "minimum": 1}),
                    query_param("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
                    query_param("exact", {"type": "string", "enum": ["1"]}),
                ],
                "responses": {"200": json_content(list_of("#/components/schemas/Talent")),
                              "401": ERROR, "403": ERROR},
            },
            "post": {
                "summary": "登记人才",
                "requestBody": json_content(TALENT),
                "responses": {"201": json_content(TALENT), **ERRORS},
            },
        },
        "/api/v1/talents/{talent_id}": {
            "parameters": [TALENT_ID],
            "get": {"summary": "人才详情", "responses": {"200": json_content(TALENT), **ERRORS}},
            "patch": {"summary": "修改人才信息（只需提交要改的字段；附上读取时的 version，"
                                 "他人已修改时答 409 而不覆盖）",
                      "requestBody": json_content(TALENT),
                      "responses": {"200": json_content(TALENT), **ERRORS}},
        },
    }
    return paths, {"Talent": talent_schema()}
