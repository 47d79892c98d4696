"""Typed custom attributes: definitions, and the coercion every write path applies to values.

Values are stored in ``Contact.attributes`` as JSON of their type (number → JSON number,
boolean → true/false, date → "YYYY-MM-DD", text → string) so that the segment compiler can
compare them by type. The API, bulk upsert and CSV import all coerce through ``attribute_coerce``.
"""

import datetime
import math
import re
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from accounts.models import Account
from audience.models import AttributeDefinition
from core.errors import ValidationFailed

Type = AttributeDefinition.Type
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_TEXT_LENGTH = 1000
TRUE_WORDS = frozenset({"true", "yes", "y", "t", "1", "on"})
FALSE_WORDS = frozenset({"false", "no", "n", "f", "0", "off"})
# Only words infer a boolean column: a column of 0/1 is more likely a number.
_INFER_BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "y", "n", "t", "f"})
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")

# A stored attribute value: the JSON of its type (a date is its "YYYY-MM-DD" text).
AttributeValue = int | float | bool | str


class AttributeValueError(ValueError):
    """A value that does not fit its attribute's type; the message is shown to a person."""


def _coerce_number(value: object) -> int | float:
    if isinstance(value, bool):
        raise AttributeValueError("must be a number, not true/false.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        number = value
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        if not _NUMBER_RE.match(text):
            raise AttributeValueError(f"must be a number, not “{value}”.")
        number = float(text)
        if "." not in text and "e" not in text.lower() and abs(number) < 2**53:
            return int(text)
    else:
        raise AttributeValueError("must be a number.")
    if math.isnan(number) or math.isinf(number):
        raise AttributeValueError("must be a finite number.")
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _coerce_boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise AttributeValueError(f"must be true or false, not “{value}”.")


def _coerce_date(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        text = value.strip()
        try:
            if len(text) == 10:
                return datetime.date.fromisoformat(text).isoformat()
            return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            pass
    raise AttributeValueError(f"must be a date written YYYY-MM-DD, not “{value}”.")


def _coerce_text(value: object) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float | str):
        text = str(value)
    else:
        raise AttributeValueError("must be text.")
    if len(text) > MAX_TEXT_LENGTH:
        raise AttributeValueError(f"must be at most {MAX_TEXT_LENGTH} characters.")
    return text


_COERCERS: dict[str, Callable[[object], AttributeValue]] = {
    Type.NUMBER: _coerce_number,
    Type.BOOLEAN: _coerce_boolean,
    Type.DATE: _coerce_date,
    Type.TEXT: _coerce_text,
}


def attribute_coerce(value: object, *, type: str) -> AttributeValue:
    """``value`` as the JSON of ``type``; ``AttributeValueError`` says why it does not fit."""
    return _COERCERS[type](value)


def attribute_infer_type(values: Iterable[object]) -> str:
    """The narrowest type every non-empty value fits (number, date, boolean), else text."""
    seen = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if not seen:
        return Type.TEXT
    if all(_NUMBER_RE.match(v.replace("_", "")) for v in seen):
        return Type.NUMBER
    if all(v.lower() in _INFER_BOOLEAN_WORDS for v in seen):
        return Type.BOOLEAN
    if all(len(v) == 10 and _DATE_RE.match(v) for v in seen):
        try:
            for v in seen:
                datetime.date.fromisoformat(v)
        except ValueError:
            return Type.TEXT
        return Type.DATE
    return Type.TEXT


def attribute_infer_json_type(value: object) -> str:
    """Type of a new attribute first seen as a JSON value in the API (strings stay text)."""
    if isinstance(value, bool):
        return Type.BOOLEAN
    if isinstance(value, int | float):
        return Type.NUMBER
    return Type.TEXT


def attribute_key_from_label(label: str) -> str:
    """A column header or label as a valid key: ``"Loyalty Points"`` → ``loyalty_points``."""
    key = slugify(label).replace("-", "_").strip("_")[:64]
    if not key:
        return ""
    if not key[0].isalpha():
        key = ("attr_" + key)[:64]
    return key


def attribute_definitions(*, account: Account) -> dict[str, AttributeDefinition]:
    return {d.key: d for d in AttributeDefinition.objects.for_account(account)}


def _validate(*, key: str, label: str, type: str) -> list[dict[str, str]]:
    problems = []
    if not KEY_RE.match(key or ""):
        problems.append(
            {
                "field": "key",
                "message": "Use 1–64 lowercase letters, digits or underscores, "
                "starting with a letter.",
            }
        )
    if type not in Type.values:
        problems.append(
            {"field": "type", "message": f"Type must be one of {', '.join(Type.values)}."}
        )
    if len(label or "") > 100:
        problems.append({"field": "label", "message": "Label must be at most 100 characters."})
    return problems


def attribute_create(
    *, account: Account, key: str, label: str = "", type: str = Type.TEXT
) -> AttributeDefinition:
    key = (key or "").strip()
    problems = _validate(key=key, label=label, type=type)
    if problems:
        raise ValidationFailed(
            "; ".join(f"{p['field']}: {p['message']}" for p in problems),
            extra={"problems": problems},
        )
    if AttributeDefinition.objects.for_account(account).filter(key=key).exists():
        raise ValidationFailed(
            "key: an attribute with this key exists.",
            extra={"problems": [{"field": "key", "message": "An attribute with this key exists."}]},
        )
    try:
        with transaction.atomic():
            return AttributeDefinition.objects.create(
                account=account, key=key, label=(label or "").strip() or key, type=type
            )
    except IntegrityError:
        raise ValidationFailed(
            "key: an attribute with this key exists.",
            extra={"problems": [{"field": "key", "message": "An attribute with this key exists."}]},
        ) from None


def attributes_ensure(
    *, account: Account, wanted: dict[str, tuple[str, str]]
) -> dict[str, AttributeDefinition]:
    """Create missing definitions ``{key: (label, type)}`` at once; return all definitions.

    Concurrent writers may race to create the same key: existing rows win (ignore_conflicts),
    and the answer is re-read so callers coerce by the type that is actually stored.
    """
    definitions = attribute_definitions(account=account)
    missing = [
        AttributeDefinition(account=account, key=key, label=label or key, type=type)
        for key, (label, type) in wanted.items()
        if key not in definitions
    ]
    if missing:
        AttributeDefinition.objects.bulk_create(missing, ignore_conflicts=True)
        definitions = attribute_definitions(account=account)
    return definitions
