"""The vocabulary of filter trees: which fields exist, their types, and the operators per type.

Kept apart from the validator and compiler so the builder page can render the same catalogue
the server enforces.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audience.models import AttributeDefinition

# A tree deeper than this is rejected: the builder never needs it and the SQL would balloon.
MAX_DEPTH = 8
# Segment references may chain (a segment of segments); bound the chain the same way.
MAX_SEGMENT_CHAIN = 8
MAX_RULES = 200
MAX_LIST_VALUES = 1000
MAX_TEXT_LENGTH = 500
MAX_DAYS = 36500

TEXT = "text"
NUMBER = "number"
DATE = "date"
BOOLEAN = "boolean"
TAGS = "tags"
SEGMENT = "segment"
ENGAGEMENT = "engagement"

OPERATORS: dict[str, tuple[str, ...]] = {
    TEXT: (
        "eq",
        "neq",
        "contains",
        "not_contains",
        "starts_with",
        "ends_with",
        "in",
        "not_in",
        "exists",
        "not_exists",
        "is_empty",
    ),
    NUMBER: ("eq", "neq", "gt", "gte", "lt", "lte", "between", "exists", "not_exists"),
    DATE: (
        "before",
        "after",
        "between",
        "within_last_days",
        "more_than_days_ago",
        "exists",
        "not_exists",
    ),
    BOOLEAN: ("eq", "exists", "not_exists"),
    TAGS: ("has_any", "has_all", "has_none"),
    SEGMENT: ("in_segment", "not_in_segment"),
    ENGAGEMENT: ("received", "clicked", "converted"),
}

OPERATOR_LABELS = {
    "eq": "is",
    "neq": "is not",
    "contains": "contains",
    "not_contains": "does not contain",
    "starts_with": "starts with",
    "ends_with": "ends with",
    "in": "is one of",
    "not_in": "is none of",
    "exists": "has a value",
    "not_exists": "has no value",
    "is_empty": "is empty",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "between": "between",
    "before": "before",
    "after": "after",
    "within_last_days": "in the last N days",
    "more_than_days_ago": "more than N days ago",
    "has_any": "has any of",
    "has_all": "has all of",
    "has_none": "has none of",
    "in_segment": "is in segment",
    "not_in_segment": "is not in segment",
    "received": "received a message",
    "clicked": "clicked",
    "converted": "converted",
}

# Operators that take no value.
VALUELESS = frozenset({"exists", "not_exists", "is_empty"})


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    type: str
    column: str = ""  # the Contact column; "" for attributes, tags, segments, engagement
    nullable: bool = False


BUILTIN_FIELDS: dict[str, FieldSpec] = {
    f.name: f
    for f in (
        FieldSpec("phone", "Phone", TEXT, "phone", nullable=True),
        FieldSpec("email", "Email", TEXT, "email"),
        FieldSpec("firstName", "First name", TEXT, "first_name"),
        FieldSpec("lastName", "Last name", TEXT, "last_name"),
        FieldSpec("country", "Country", TEXT, "country"),
        FieldSpec("timezone", "Time zone", TEXT, "timezone"),
        FieldSpec("subscribed", "Subscribed", BOOLEAN, "subscribed"),
        FieldSpec("createdAt", "Created", DATE, "created_at"),
        FieldSpec("tags", "Tags", TAGS),
        FieldSpec("segment", "Segment", SEGMENT),
        FieldSpec("engagement", "Engagement", ENGAGEMENT),
    )
}

ATTRIBUTE_PREFIX = "attributes."
PRESENCE = ("exists", "not_exists")


def operators_for(spec: FieldSpec) -> tuple[str, ...]:
    """A built-in column that always holds a value has no use for exists / not_exists."""
    ops = OPERATORS[spec.type]
    if spec.column and spec.type in (NUMBER, DATE, BOOLEAN) and not spec.nullable:
        ops = tuple(o for o in ops if o not in PRESENCE)
    return ops


def field_catalog(definitions: Iterable[AttributeDefinition]) -> list[dict[str, object]]:
    """Every field the builder may offer, with its type and operators, in display order."""
    fields: list[dict[str, object]] = [
        {
            "name": spec.name,
            "label": spec.label,
            "type": spec.type,
            "operators": [{"value": o, "label": OPERATOR_LABELS[o]} for o in operators_for(spec)],
        }
        for spec in BUILTIN_FIELDS.values()
    ]
    for definition in definitions:
        fields.append(
            {
                "name": ATTRIBUTE_PREFIX + definition.key,
                "label": definition.label or definition.key,
                "type": definition.type,
                "operators": [
                    {"value": o, "label": OPERATOR_LABELS[o]}
                    for o in operators_for(attribute_spec(definition))
                ],
            }
        )
    return fields


def attribute_spec(definition: AttributeDefinition) -> FieldSpec:
    label = definition.label or definition.key
    return FieldSpec(ATTRIBUTE_PREFIX + definition.key, label, definition.type)
