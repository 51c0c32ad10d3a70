"""The API object and what its OpenAPI document says beyond the routes themselves.

- operationIds are `<router>_<function>` (the package of the endpoint's module, not its
  whole path, so moving a module within its app does not rename the operation);
- every operation documents the error answers it can give, all in the `ErrorOut` shape,
  by one rule rather than per endpoint: any request can be malformed (400), too large
  (413), invalid (422), refer to something that is not there (404) or come too often
  (429); authenticated operations add 401 and 403, and writes add 409 (a conflict with
  the current state).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation

from guanxi.api.errors import ErrorOut, default_message

ALWAYS = (400, 404, 413, 422, 429)
AUTHENTICATED = (401, 403)
WRITES = (409,)
UNSAFE_METHODS = {"post", "put", "patch", "delete"}


def error_statuses(method: str, *, authenticated: bool) -> list[int]:
    statuses = [*ALWAYS]
    if authenticated:
        statuses += AUTHENTICATED
    if method in UNSAFE_METHODS:
        statuses += WRITES
    return sorted(statuses)


class GuanxiSchema(OpenAPISchema):
    def operation_details(self, operation: Operation) -> dict[str, Any]:
        details = super().operation_details(operation)
        security = details.get("security")
        if security and any(
            not hasattr(auth, "openapi_security_schema") for auth in operation.auth_callbacks
        ):
            # An auth callback that lets anonymous callers in (public reads): say so with
            # the empty requirement, or the document claims a credential is needed.
            security.append({})
        ref = {"$ref": REF_TEMPLATE.format(model=ErrorOut.__name__)}
        for method in operation.methods:
            for status in error_statuses(method.lower(), authenticated=bool(security)):
                details["responses"].setdefault(
                    status,
                    {
                        "description": str(default_message(status)),
                        "content": {"application/json": {"schema": ref}},
                    },
                )
        return details

    def get_components(self) -> dict[str, Any]:
        components = super().get_components()
        error = ErrorOut.model_json_schema(ref_template=REF_TEMPLATE)
        components["schemas"].update(error.pop("$defs", {}))
        components["schemas"][ErrorOut.__name__] = error
        return components


class GuanxiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__.split(".")
        router = module[-2] if module[-1] == "api" else module[-1]
        name = operation.view_func.__name__
        return name if name.startswith(f"{router}_") else f"{router}_{name}"

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return GuanxiSchema(self, path_prefix)
