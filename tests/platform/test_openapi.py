"""What the OpenAPI document says: unique schema names, the errors every operation can
answer, stable operation ids, and the validation limits declared where they apply."""

from __future__ import annotations

import json
import re

import pytest
from ninja import Schema
from ninja.openapi.schema import REF_TEMPLATE

from guanxi.api.urls import api

pytestmark = pytest.mark.django_db

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def _models_of_every_route():
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    if isinstance(model, type):
                        yield "serialization", model
                for model in operation.models:
                    yield "validation", model


def _clashes(models) -> set[str]:
    """Names under which two different schemas appear across the given route models."""
    seen: dict[tuple[str, str], str] = {}
    clashes = set()
    for mode, model in models:
        schema = model.model_json_schema(ref_template=REF_TEMPLATE, mode=mode)
        for name, definition in schema.get("$defs", {}).items():
            text = json.dumps(definition, sort_keys=True)
            if seen.setdefault((mode, name), text) != text:
                clashes.add(name)
    return clashes


def test_no_two_schemas_share_a_name():
    """A name is one schema: two routes whose models differ under one name would leave
    one of them documented wrong (ninja keeps whichever it saw last)."""
    clashes = _clashes(_models_of_every_route())
    assert not clashes, f"schemas named alike but different: {sorted(clashes)}"


def test_the_name_check_finds_a_clash():
    def route_model(fields):
        member = type("MemberOut", (Schema,), {"__annotations__": fields})
        return type("Answer", (Schema,), {"__annotations__": {"member": member}})

    first = route_model({"id": int})
    second = route_model({"handle": str})
    assert _clashes([("serialization", first), ("serialization", second)]) == {"MemberOut"}


def test_every_people_list_shares_the_one_member_card(document):
    schemas = document["components"]["schemas"]
    assert "MemberCard" in schemas
    assert not {"MemberOut", "DirectoryMember", "IntroducedMember"} & set(schemas)
    card = "#/components/schemas/MemberCard"
    assert schemas["MemberPage"]["properties"]["items"]["items"]["$ref"] == card
    assert schemas["IdeaOut"]["properties"]["a"]["$ref"] == card
    suggestion = schemas["SuggestionOut"]["properties"]
    assert suggestion["mutual_connections"]["items"]["$ref"] == card
    actor = schemas["NotificationOut"]["properties"]["actor"]
    assert {"$ref": card} in actor["anyOf"] and {"type": "null"} in actor["anyOf"]
    received = schemas["ReceivedOut"]["properties"]
    assert received["other"]["$ref"] == card


def _resolve(document: dict, schema: dict) -> dict:
    ref = schema.get("$ref", "")
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


def test_every_list_answers_the_one_envelope(document):
    """No operation answers a bare array: every list is a ListPage (items, next, count,
    count_is), so clients page every list the same way."""
    envelope = {"items", "next", "count", "count_is"}
    lists = 0
    for path, method, operation in _operations(document):
        for status, response in operation["responses"].items():
            content = response.get("content", {}).get("application/json")
            if not content or not status.startswith("2"):
                continue
            schema = _resolve(document, content["schema"])
            assert schema.get("type") != "array", (method, path, status)
            if "items" in schema.get("properties", {}):
                lists += 1
                assert envelope <= set(schema["properties"]), (method, path)
                assert schema["properties"]["items"]["type"] == "array", (method, path)
    assert lists >= 15


def test_every_operation_documents_its_errors(document):
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        expected = {"400", "404", "413", "422", "429"}
        if operation.get("security"):
            expected |= {"401", "403"}
        if method in ("post", "put", "patch", "delete"):
            expected.add("409")
        assert expected <= set(responses), (method, path)
        for status in expected:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == ERROR_REF, (method, path, status)
    error = document["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["error"]


def test_reads_open_to_anonymous_callers_say_so(document):
    public = document["paths"]["/api/v1/profiles/{handle}"]["get"]["security"]
    assert {} in public
    members_only = document["paths"]["/api/v1/me"]["get"]["security"]
    assert {} not in members_only


def test_operation_ids_are_unique_readable_and_stable(document):
    ids = [operation["operationId"] for _path, _method, operation in _operations(document)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)+", op_id) for op_id in ids), ids
    by_path = {(method, path): op["operationId"] for path, method, op in _operations(document)}
    assert by_path[("get", "/api/v1/me")] == "settings_me"
    assert by_path[("post", "/api/v1/network/invitations")] == "network_invitation_send"
    assert by_path[("post", "/api/v1/network/introductions")] == "introductions_create"
    assert by_path[("get", "/api/v1/members")] == "directory_search_members"


def _body_schema(document: dict, path: str, method: str) -> dict:
    content = document["paths"][path][method]["requestBody"]["content"]
    ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    return document["components"]["schemas"][ref]["properties"]


def test_validation_limits_are_declared(document):
    experience = _body_schema(document, "/api/v1/me/profile/experience", "post")
    assert experience["start_year"]["minimum"] == 1900
    assert experience["company"]["pattern"] == r"\S"
    assert experience["company"]["maxLength"] == 120
    patch = _body_schema(document, "/api/v1/me/profile", "patch")
    name = next(part for part in patch["display_name"]["anyOf"] if part.get("type") == "string")
    assert name["maxLength"] == 100 and name["pattern"] == r"\S"
    introduction = _body_schema(document, "/api/v1/network/introductions", "post")
    assert introduction["note"]["pattern"] == r"\S"
    assert "not yourself" in introduction["a_id"]["description"]
    token = _body_schema(document, "/api/v1/tokens", "post")
    assert token["name"]["minLength"] == 1 and token["name"]["maxLength"] == 60


def test_a_body_that_is_not_an_object_is_refused(alice_client, alice):
    from guanxi.notifications.services import notify

    notify(recipient=alice, kind="connection_request", actor=None, data={})
    response = alice_client.post("/api/v1/notifications/read", "[null]", "application/json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
