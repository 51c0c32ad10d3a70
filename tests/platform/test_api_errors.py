"""The API's JSON error shape for what happens before or around an endpoint."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

UNSAFE_METHODS = ("post", "put", "patch", "delete")


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_schema_loads(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Guanxi API"
    assert "/api/v1/me" in schema["paths"]


def test_interactive_docs_load_only_local_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html


def test_anonymous_me_is_401(client):
    assert_error(client.get("/api/v1/me"), 401, "unauthenticated")


def test_unknown_route_is_404_json(client):
    assert_error(client.get("/api/v1/no-such-endpoint"), 404, "not_found")
    assert_error(client.post("/api/v1/no/such/thing/", {}), 404, "not_found")


def test_wrong_method_is_405_json(client, schema):
    served = set(schema["paths"]["/api/v1/me"])
    method = next(m for m in UNSAFE_METHODS if m not in served)
    response = getattr(client, method)("/api/v1/me")
    error = assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]
    assert error["message"] == "This method is not allowed here."


def _json_body_operations(schema: dict) -> list[tuple[str, str]]:
    found = []
    for path, operations in schema["paths"].items():
        if "{" in path:
            continue
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                found.append((method, path))
    return found


def test_malformed_json_is_400_json(alice_client, schema):
    operations = _json_body_operations(schema)
    assert operations, "the API has endpoints that take a JSON body"
    for method, path in operations:
        response = getattr(alice_client, method)(
            path, '{"name": "unterminated', content_type="application/json"
        )
        error = assert_error(response, 400, "bad_request")
        assert error["message"] == "The request body is not valid JSON."


def test_wrong_json_types_are_422_with_fields(alice_client, schema):
    method, path = _json_body_operations(schema)[0]
    response = getattr(alice_client, method)(path, "[1, 2, 3]", content_type="application/json")
    error = assert_error(response, 422, "invalid")
    assert error["fields"]


def test_api_errors_follow_the_language(client):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert response.status_code == 401
    assert response["Content-Language"] == "zh-hans"
