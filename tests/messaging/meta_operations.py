"""Check one call of Meta's OpenAPI description: the request we send (path, query, headers)
and the answer a stand-in gives (against the operation's response schema).

``meta_request_schema`` checks the body of a message request; this module checks requests
that have no body (``GET /{Version}/{Phone-Number-ID}``), by the operation's own parameters:
every path parameter's pattern, every query and header parameter's schema, the required ones
present. Answers are checked against the response schema of their status, so a stand-in
cannot answer what Meta would not, and our parsing is tested against Meta's description.

One correction, named and narrow: ``_phone_number_limit_tier``. The operation's 200 schema
``PhoneNumberInfo`` lists the number's default fields but not ``messaging_limit_tier``, which
the same node answers when ``fields`` asks for it (the description's other schemas of the
node, ``WhatsAppBusinessAccountPhoneNumber`` and ``WhatsAppAccountNumber``, list it, and
Meta's messaging limits guide reads it this way). ``PhoneNumberInfo`` is open, so without
the correction any value would pass; with it, the tier must be one of the description's.
"""

from __future__ import annotations

import copy
import functools
import re
from urllib.parse import parse_qs, urlsplit

from openapi_schema_validator import OAS30Validator

from tests.messaging.meta_request_schema import spec

_PARAMETER_PREFIX = "#/components/parameters/"


def _phone_number_limit_tier(schemas: dict) -> None:
    tier = schemas["WhatsAppBusinessAccountPhoneNumber"]["properties"]["messaging_limit_tier"]
    schemas["PhoneNumberInfo"]["properties"]["messaging_limit_tier"] = copy.deepcopy(tier)


CORRECTIONS = (_phone_number_limit_tier,)


@functools.cache
def _schemas() -> dict:
    schemas = copy.deepcopy(spec()["components"]["schemas"])
    for correct in CORRECTIONS:
        correct(schemas)
    return schemas


def operation(operation_id: str) -> tuple[str, str, dict]:
    """``(method, path template, operation)`` of ``operation_id``."""
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return method, path, op
    raise KeyError(operation_id)


def _parameters(op: dict) -> list[dict]:
    resolved = []
    for parameter in op.get("parameters", []):
        ref = parameter.get("$ref")
        if ref:
            parameter = spec()["components"]["parameters"][ref.removeprefix(_PARAMETER_PREFIX)]
        resolved.append(parameter)
    return resolved


def _validator(schema: dict) -> OAS30Validator:
    return OAS30Validator({**schema, "components": {"schemas": _schemas()}})


def _value_errors(where: str, schema: dict, value) -> list[str]:
    return [f"{where}: {e.message}" for e in _validator(schema).iter_errors(value)]


def request_errors(operation_id: str, *, method: str, path: str, headers: dict) -> list[str]:
    """What the description says is wrong with a request (``path`` with its query string)."""
    expected_method, template, op = operation(operation_id)
    problems = []
    if method.lower() != expected_method:
        problems.append(f"method: {method} is not {expected_method.upper()}")
    parameters = _parameters(op)
    by_place = {place: [p for p in parameters if p["in"] == place] for place in ("path", "query")}
    parts = urlsplit(path)
    pattern = re.escape(template)
    for parameter in by_place["path"]:
        name = re.escape("{" + parameter["name"] + "}")
        pattern = pattern.replace(name, f"(?P<{parameter['name'].replace('-', '_')}>[^/]+)")
    match = re.fullmatch(pattern, parts.path)
    if match is None:
        return [*problems, f"path: {parts.path} is not {template}"]
    for parameter in by_place["path"]:
        value = match[parameter["name"].replace("-", "_")]
        problems += _value_errors(f"path {parameter['name']}", parameter["schema"], value)
    query = parse_qs(parts.query, keep_blank_values=True)
    known = {p["name"] for p in by_place["query"]}
    problems += [f"query: {name} is not a parameter" for name in query if name not in known]
    for parameter in by_place["query"]:
        values = query.get(parameter["name"])
        if values is None:
            if parameter.get("required"):
                problems.append(f"query {parameter['name']}: required")
            continue
        problems += _value_errors(f"query {parameter['name']}", parameter["schema"], values[0])
    lowered = {name.lower(): value for name, value in headers.items()}
    for parameter in (p for p in parameters if p["in"] == "header"):
        value = lowered.get(parameter["name"].lower())
        if value is None:
            if parameter.get("required"):
                problems.append(f"header {parameter['name']}: required")
            continue
        if parameter["name"].lower() == "user-agent":
            continue  # the HTTP client's own; Meta's pattern describes its SDK's
        problems += _value_errors(f"header {parameter['name']}", parameter["schema"], value)
    return problems


def response_errors(operation_id: str, status: int, body) -> list[str]:
    """What the description says is wrong with an answer of ``status``."""
    _, _, op = operation(operation_id)
    response = op["responses"].get(str(status)) or op["responses"].get("default")
    if response is None:
        return [f"status {status}: not described"]
    schema = response["content"]["application/json"]["schema"]
    found = sorted(_validator(schema).iter_errors(body), key=lambda e: list(e.path))
    return [f"{'.'.join(map(str, e.absolute_path)) or '<body>'}: {e.message}" for e in found]
