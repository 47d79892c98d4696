"""Validate the WhatsApp Cloud API requests we send against Meta's official OpenAPI description.

(``meta_schema``, from the webhook work, checks what Meta sends us; this module checks what we
send Meta: the message request body, with the corrections below.)

The description is ``tests/references/meta-business-messaging-api_v23.0.yaml`` (from
github.com/facebook/openapi, kept unchanged); the request body of ``POST
/{Version}/{Phone-Number-ID}/messages`` is ``#/components/schemas/Message``. Validation uses
``openapi-schema-validator``'s ``OAS30Validator``: although the file's header says
``openapi: 3.1.0``, its schemas are written in the 3.0 dialect (``nullable``, ``example``,
``discriminator`` mappings that select the schema to apply), which that validator implements;
``#/components/schemas/`` references resolve inside the loaded document.

Where the description contradicts Meta's own examples, documentation and SDKs, it is corrected
in memory, each correction a named function below with its reason, and each as narrow as it
can be (``test_whatsapp_schema.py`` checks that every correction is needed and that the
corrected schema still refuses what Meta refuses):

- ``_language_policy_optional``: ``template.language.policy`` is marked required, while Meta's
  own examples (in this very file too) and the SDKs (pywa) leave it out and the API accepts that.
- ``_button_index_digits``: a template button's ``index`` has the pattern ``^[2-6, 11-14]$``,
  a malformed character class that refuses ``"0"`` although the same file's example uses
  ``index: '0'`` and Meta documents indexes 0 to 9.
- ``_callback_data_on_messages``: ``biz_opaque_callback_data`` (an arbitrary string up to 512
  characters, documented for every message type and echoed in status webhooks) is described
  only on call requests; it is added to ``BaseMessageProperties`` with that same definition.
- ``_allof_closed_members``: ``TextMessage`` and its siblings are ``allOf`` [base properties,
  an object with ``additionalProperties: false``]. Read literally that refuses ``to`` and
  ``messaging_product`` (Meta's own examples fail); the intent is a closed union, so the closed
  member is taught the other members' property names and still refuses anything else.
- ``_cta_url_interactive``: the interactive ``cta_url`` message (Meta's "Interactive CTA URL
  button messages" guide; pywa's ``URLButton``) is missing from ``InteractiveObject.type`` and
  ``ActionObject``; it is added as documented: ``action: {name: "cta_url", parameters:
  {display_text (at most 20 characters), url}}``.

One more step is OpenAPI semantics rather than a correction: ``_discriminator_dispatch``. A
base schema with a ``discriminator`` (``TemplateComponent``, ``ParameterObject``,
``ButtonParameterObject``) means "validate against the schema its mapping names", but the
validator applies a discriminator only beside ``oneOf``/``anyOf``/``allOf``. Without this step
the parameters inside template components would not be checked at all.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import yaml
from openapi_schema_validator import OAS30Validator

SPEC_PATH = (
    Path(__file__).resolve().parent.parent
    / "references"
    / ("meta-business-messaging-api_v23.0.yaml")
)
MESSAGE_SCHEMA = "#/components/schemas/Message"
_PREFIX = "#/components/schemas/"


@functools.lru_cache(maxsize=1)
def spec() -> dict:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _name(ref: str) -> str:
    return ref.removeprefix(_PREFIX)


# --- corrections --------------------------------------------------------------------------


def _language_policy_optional(schemas: dict) -> None:
    language = schemas["LanguageObject"]
    language["required"] = [r for r in language["required"] if r != "policy"]


def _button_index_digits(schemas: dict) -> None:
    schemas["TemplateComponent"]["properties"]["index"]["pattern"] = "^[0-9]$"
    for member in schemas["ButtonComponent"]["allOf"]:
        index = member.get("properties", {}).get("index")
        if index is not None:
            index["pattern"] = "^[0-9]$"


def _callback_data_on_messages(schemas: dict) -> None:
    call = schemas["CallRequestPayload"]["properties"]["biz_opaque_callback_data"]
    schemas["BaseMessageProperties"]["properties"]["biz_opaque_callback_data"] = {
        "type": call["type"],
        "maxLength": call["maxLength"],
    }


def _cta_url_interactive(schemas: dict) -> None:
    schemas["InteractiveObject"]["properties"]["type"]["enum"].append("cta_url")
    schemas["ActionObject"]["oneOf"].append(
        {
            "required": ["name", "parameters"],
            "properties": {
                "name": {"type": "string", "enum": ["cta_url"]},
                "parameters": {
                    "type": "object",
                    "required": ["display_text", "url"],
                    "additionalProperties": False,
                    "properties": {
                        "display_text": {"type": "string", "maxLength": 20},
                        "url": {"type": "string"},
                    },
                },
            },
        }
    )


def _property_names(schemas: dict, schema: dict) -> set[str]:
    if "$ref" in schema:
        return _property_names(schemas, schemas[_name(schema["$ref"])])
    names = set(schema.get("properties", {}))
    for member in schema.get("allOf", []):
        names |= _property_names(schemas, member)
    return names


def _allof_closed_members(schemas: dict) -> None:
    for schema in schemas.values():
        members = schema.get("allOf") if isinstance(schema, dict) else None
        if not members:
            continue
        union: set[str] = set()
        for member in members:
            union |= _property_names(schemas, member)
        for member in members:
            if member.get("additionalProperties") is False:
                properties = member.setdefault("properties", {})
                for name in union - set(properties):
                    properties[name] = {}


CORRECTIONS = (
    _language_policy_optional,
    _button_index_digits,
    _callback_data_on_messages,
    _cta_url_interactive,
    _allof_closed_members,
)


# --- OpenAPI semantics the validator leaves out -------------------------------------------


def _discriminator_dispatch(schemas: dict) -> None:
    """Point every use of a discriminated base schema at a ``oneOf`` over its mapping."""
    bases = {
        name: schema
        for name, schema in schemas.items()
        if isinstance(schema, dict)
        and "discriminator" in schema
        and not any(k in schema for k in ("oneOf", "anyOf", "allOf"))
    }
    inheriting = {
        (_name(target), name)
        for name, base in bases.items()
        for target in base["discriminator"].get("mapping", {}).values()
    }

    def rewrite(node, owner: str, in_allof: bool) -> None:
        if isinstance(node, list):
            for item in node:
                rewrite(item, owner, in_allof)
            return
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and _name(ref) in bases:
            # A subtype's own ``allOf: [$ref Base, …]`` is inheritance: it keeps the plain base.
            if not (in_allof and (owner, _name(ref)) in inheriting):
                node["$ref"] = f"{ref}__dispatch"
        for key, value in node.items():
            if key in ("discriminator", "example", "examples"):
                continue
            rewrite(value, owner, key == "allOf")

    for name, schema in list(schemas.items()):
        rewrite(schema, name, False)
    for name, base in bases.items():
        schemas[f"{name}__dispatch"] = {
            "discriminator": copy.deepcopy(base["discriminator"]),
            "oneOf": [{"$ref": t} for t in base["discriminator"]["mapping"].values()],
        }


# --- validation ---------------------------------------------------------------------------


def corrected_schemas(*, corrections=CORRECTIONS) -> dict:
    schemas = copy.deepcopy(spec()["components"]["schemas"])
    for correct in corrections:
        correct(schemas)
    _discriminator_dispatch(schemas)
    return schemas


@functools.lru_cache(maxsize=8)
def _validator(corrections: tuple = CORRECTIONS) -> OAS30Validator:
    root = {
        "$ref": MESSAGE_SCHEMA,
        "components": {"schemas": corrected_schemas(corrections=corrections)},
    }
    return OAS30Validator(root)


def _describe(error, depth: int = 0) -> list[str]:
    where = ".".join(str(p) for p in error.absolute_path) or "<body>"
    lines = [f"{'  ' * depth}{where}: {error.message}"]
    for sub in sorted(error.context or [], key=lambda e: list(e.absolute_path)):
        lines += _describe(sub, depth + 1)
    return lines


def request_errors(body: dict, *, corrections: tuple = CORRECTIONS) -> list[str]:
    """What Meta's description says is wrong with ``body`` (empty when it is valid)."""
    errors = sorted(_validator(corrections).iter_errors(body), key=lambda e: list(e.path))
    return [line for error in errors for line in _describe(error)]


def assert_valid_request(body: dict) -> None:
    problems = request_errors(body)
    assert not problems, "Meta's OpenAPI description refuses the request:\n" + "\n".join(problems)


def spec_message_examples() -> dict[str, dict]:
    """Meta's own example bodies for ``POST /{Version}/{Phone-Number-ID}/messages``."""
    operation = spec()["paths"]["/{Version}/{Phone-Number-ID}/messages"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    return {name: example["value"] for name, example in examples.items()}
