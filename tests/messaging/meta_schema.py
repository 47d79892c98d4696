"""Meta's official OpenAPI description of the WhatsApp Business Platform, as JSON Schema.

The description (``tests/references/``) is OpenAPI 3.0: its schemas point at each other with
``#/components/schemas/<name>`` and mark optional nulls with ``nullable``. ``validator(name)``
answers a JSON Schema validator for one component, with the components it reaches copied
under ``$defs`` and ``nullable`` spelled as JSON Schema spells it.

One quirk of the description: its generator renamed clashing names with a suffix, but left
the references of the webhook's inbound messages (``TextMessage_2``, ``ButtonMessage``,
``InteractiveMessageReply``) pointing at the send request's ``BaseMessageProperties`` (which
requires ``to`` and ``messaging_product``) instead of the inbound ``BaseMessageProperties_1``
(``from``, ``id``, ``timestamp``). ``INBOUND`` names that correction.
"""

import functools
from pathlib import Path

import jsonschema_rs
import yaml

SPEC = Path(__file__).resolve().parents[1] / "references/meta-business-messaging-api_v23.0.yaml"
REF_PREFIX = "#/components/schemas/"


@functools.cache
def _schemas() -> dict:
    with SPEC.open() as stream:
        spec = yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return spec["components"]["schemas"]


INBOUND = (("BaseMessageProperties", "BaseMessageProperties_1"),)


def _convert(node, reached: set[str], renames: dict[str, str]):
    if isinstance(node, list):
        return [_convert(item, reached, renames) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith(REF_PREFIX):
            name = value[len(REF_PREFIX) :]
            name = renames.get(name, name)
            reached.add(name)
            out[key] = f"#/$defs/{name}"
        elif key != "nullable":
            out[key] = _convert(value, reached, renames)
    if node.get("nullable") is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


@functools.cache
def validator(name: str, renames: tuple[tuple[str, str], ...] = ()) -> jsonschema_rs.Validator:
    schemas, mapping = _schemas(), dict(renames)
    reached: set[str] = set()
    root = _convert(schemas[name], reached, mapping)
    defs: dict = {}
    while reached - defs.keys():
        for ref in sorted(reached - defs.keys()):
            defs[ref] = _convert(schemas[ref], reached, mapping)
    return jsonschema_rs.Draft7Validator({**root, "$defs": defs})


def errors(name: str, instance, *, renames: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """What in ``instance`` does not match Meta's schema ``name`` (empty: it matches)."""
    found = validator(name, renames).iter_errors(instance)
    return [f"{list(e.instance_path)}: {e.message}" for e in found]
