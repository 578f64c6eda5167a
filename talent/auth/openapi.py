"""The sign-in part of the OpenAPI document."""
from talent.core.openapi import ERROR, json_content


def openapi() -> tuple[dict, dict]:
    paths = {
            "/api/v1/auth/token": {
                "post": {
                    "summary": "换取访问令牌",
                    "security": [],
                    "requestBody": json_content({"type": "object", "required": ["username", "password"],
                                          "properties": {"username": {"type": "string"},
                                                         "password": {"type": "string"}}}),
                    "responses": {"200": json_content({"type": "object", "properties": {
                        "token": {"type": "string"},
                        "expires_at": {"type": "string", "format": "date-time"},
                        "role": {"type": "string"}}}), "400": ERROR, "401": ERROR,
                        "403": ERROR,  # password_change_required: a one-time password
                        "422": ERROR},
                }
            },
    }
    return paths, {}
