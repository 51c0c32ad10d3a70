"""Refuse input no field of Guanxi can hold, once for every page and API endpoint.

Each of these used to reach the database and answer 500:

- NUL characters (PostgreSQL text cannot store them) in the path, the query string,
  cookies, form fields and JSON strings;
- lone UTF-16 surrogates in JSON ("\\ud800" is valid JSON but not encodable text);
- JSON integers outside a 64-bit column (SQLite raises OverflowError), and the
  non-standard NaN/Infinity constants;
- a multipart body without a (valid) boundary.

Values in fields answer 422 in the API's shape with the field's name; a broken request
(path, cookie, body framing) answers 400. A body that is not JSON at all is left to the
endpoint, which says so itself.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.translation import gettext as _

from guanxi.core.views import error_page

FORM_URLENCODED = "application/x-www-form-urlencoded"
BIGINT = 2**63  # BigAutoField and every integer column fit in a signed 64-bit integer
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class BadInput(Exception):
    def __init__(self, status: int, message: str, field: str = ""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def _text_problem(text: str) -> str:
    found = _BAD_TEXT.search(text)
    if found is None:
        return ""
    if found.group() == "\x00":
        return _("Null characters are not allowed.")
    return _("Text must be valid Unicode (a lone surrogate such as \\ud800 is not).")


def _check_text(text: str, field: str, status: int = 422) -> None:
    problem = _text_problem(text)
    if problem:
        raise BadInput(status, problem, field)


def _check_json(value: Any, path: str) -> None:
    if isinstance(value, str):
        _check_text(value, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, path or "__all__")
            _check_json(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{path}.{index}" if path else str(index))
    elif isinstance(value, int) and not -BIGINT <= value < BIGINT:
        raise BadInput(422, _("Integers must lie between -2^63 and 2^63 - 1."), path)


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise BadInput(422, _("Numbers must be finite."))
    return number


def _no_constants(name: str) -> float:
    raise BadInput(400, _("The request body is not valid JSON (%(name)s).") % {"name": name})


def _check_json_body(body: bytes) -> None:
    try:
        value = json.loads(body, parse_float=_finite_float, parse_constant=_no_constants)
    except RecursionError:
        raise BadInput(400, _("The JSON in the request body is nested too deeply.")) from None
    except ValueError:
        return  # not JSON: the endpoint answers for itself (or does not read the body)
    _check_json(value, "")


def check_request(request: HttpRequest) -> None:
    """Raise BadInput for anything in the request that no field could store."""
    if "\x00" in request.path_info:
        raise BadInput(400, _("The address contains a null character."))
    for name, values in request.GET.lists():
        _check_text(name, name)
        for value in values:
            _check_text(value, name)
    for name, value in request.COOKIES.items():
        _check_text(name + value, name, status=400)
    if request.content_type.startswith("multipart/"):
        # Only the framing: the parts are streamed to the view's upload handlers, and the
        # forms reading them refuse null characters themselves.
        try:
            MultiPartParser(request.META, io.BytesIO(), [], request.encoding)
        except MultiPartParserError:
            raise BadInput(
                400, _("A multipart body needs a valid boundary in its Content-Type.")
            ) from None
    elif request.content_type == FORM_URLENCODED:
        for name, values in request.POST.lists():
            _check_text(name, name)
            for value in values:
                _check_text(value, name)
    elif request.body:
        _check_json_body(request.body)


class RequestInputGuardMiddleware:
    """Answer BadInput with a 400/422 before any view or endpoint sees the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except BadInput as bad:
            return _refusal(request, bad)
        return self.get_response(request)


def _refusal(request: HttpRequest, bad: BadInput) -> HttpResponse:
    response = error_page(
        request,
        bad.status,
        _("Something was wrong with that request"),
        bad.message,
        api_message=_("Some fields are not valid.") if bad.status == 422 else bad.message,
    )
    if bad.status == 422:
        # The API's error shape names the field (guanxi.api.errors reshapes this page).
        response.error_fields = {bad.field or "__all__": [bad.message]}
    return response
