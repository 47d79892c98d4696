"""Turns a filter tree into one ``Q`` over ``Contact``: the database does all the filtering.

Every leaf compiles to a condition that is TRUE or FALSE, never NULL: a comparison on a value
that may be absent (a nullable column, a JSON attribute) is ANDed with a presence test. SQL's
``NOT`` then behaves like Python's ``not`` at any depth, which is what the hypothesis test
checks against the plain-Python oracle in ``tests/audience/oracle.py``.

Relations (tags, segments, events) become ``EXISTS`` subqueries, so no join multiplies rows
and the tree stays a single query however it nests.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from django.db import NotSupportedError, connection
from django.db.models import (
    BooleanField,
    Exists,
    F,
    FloatField,
    Func,
    Lookup,
    OuterRef,
    Q,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IContains,
    IEndsWith,
    In,
    IsNull,
    IStartsWith,
    LessThan,
    LessThanOrEqual,
)
from django.utils import timezone

from audience import ports
from audience.filters import grammar as g
from audience.filters.validate import Condition, FilterContext, Group, filters_parse

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from accounts.models import Account

ENGAGEMENT_EVENT_TYPES = {
    "received": ("sent", "delivered", "read"),
    "clicked": ("clicked",),
    "converted": ("converted",),
}

TRUE = ~Q(pk__in=[])
FALSE = Q(pk__in=[])


def filters_compile(
    tree: Any,
    *,
    account: Account,
    now: datetime | None = None,
    path: str = "filters",
    segment_id: int | None = None,
) -> Q:
    """The ``Q`` selecting the account's contacts that match ``tree``.

    Apply it to ``Contact.objects.for_account(account)``. Raises ``ValidationFailed`` naming
    the rule for a tree the grammar rejects.
    """
    context = FilterContext(account=account, now=now or timezone.now())
    group = filters_parse(tree, context=context, path=path, segment_id=segment_id)
    return compile_group(group, context)


def compile_group(group: Group, context: FilterContext) -> Q:
    parts = [_compile(child, context) for child in group.children]
    if not parts:
        q = TRUE if group.op == "and" else FALSE
    else:
        q = parts[0]
        for part in parts[1:]:
            q = (q & part) if group.op == "and" else (q | part)
    return ~q if group.negate else q


def _compile(node, context: FilterContext) -> Q:
    if isinstance(node, Group):
        return compile_group(node, context)
    return _condition(node, context)


def _condition(cond: Condition, context: FilterContext) -> Q:
    kind = cond.spec.type
    if kind == g.TAGS:
        return _tags(cond)
    if kind == g.SEGMENT:
        inner = compile_group(cond.value.tree, context)
        return inner if cond.operator == "in_segment" else ~inner
    if kind == g.ENGAGEMENT:
        return _engagement(cond, context)
    if cond.key:
        return _attribute(cond, context)
    return _column(cond, context)


# --- columns ---------------------------------------------------------------------------------


def _column(cond: Condition, context: FilterContext) -> Q:
    column, op, value = cond.spec.column, cond.operator, cond.value
    kind = cond.spec.type
    if kind == g.BOOLEAN:
        return Q(**{column: value})
    if kind == g.DATE:
        return _created(column, op, value, context)
    present = Q(**{f"{column}__isnull": False}) if cond.spec.nullable else TRUE

    def positive(lookup: str, rhs) -> Q:
        q = Q(**{f"{column}__{lookup}": rhs})
        return (present & q) if cond.spec.nullable else q

    positives = {
        "eq": ("exact", value),
        "neq": ("exact", value),
        "contains": ("icontains", value),
        "not_contains": ("icontains", value),
        "starts_with": ("istartswith", value),
        "ends_with": ("iendswith", value),
        "in": ("in", value),
        "not_in": ("in", value),
    }
    if op in positives:
        q = positive(*positives[op])
        return ~q if op in ("neq", "not_contains", "not_in") else q
    has_value = present & ~Q(**{column: ""}) if cond.spec.nullable else ~Q(**{column: ""})
    if op == "exists":
        return has_value
    return ~has_value  # not_exists, is_empty: a column has no "set but blank" state


def _day_start(day: date, context: FilterContext) -> datetime:
    return datetime.combine(day, time.min, tzinfo=context.tz)


def _created(column: str, op: str, value, context: FilterContext) -> Q:
    """Day-based comparisons on a timestamp, with days in the account's time zone."""
    if op == "before":
        return Q(**{f"{column}__lt": _day_start(value, context)})
    if op == "after":
        return Q(**{f"{column}__gte": _day_start(value + timedelta(days=1), context)})
    if op == "between":
        start, end = value
        return Q(**{f"{column}__gte": _day_start(start, context)}) & Q(
            **{f"{column}__lt": _day_start(end + timedelta(days=1), context)}
        )
    today = context.today
    if op == "within_last_days":
        return Q(**{f"{column}__gte": _day_start(today - timedelta(days=value), context)}) & Q(
            **{f"{column}__lt": _day_start(today + timedelta(days=1), context)}
        )
    if op == "more_than_days_ago":
        return Q(**{f"{column}__lt": _day_start(today - timedelta(days=value), context)})
    raise AssertionError(op)  # pragma: no cover - the validator admits no other operator


# --- attributes ------------------------------------------------------------------------------


class AttributeValue(Func):
    """``Contact.attributes[key]`` as SQL of the attribute's type; NULL when absent or mistyped.

    Checking the JSON type first means a stray string in a number attribute never makes the
    database raise a cast error: it just does not match.
    """

    OUTPUT = {g.TEXT: TextField, g.NUMBER: FloatField, g.DATE: TextField, g.BOOLEAN: BooleanField}

    def __init__(self, key: str, kind: str):
        super().__init__(F("attributes"), output_field=self.OUTPUT[kind]())
        self.key = key
        self.kind = kind

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> NoReturn:
        raise NotSupportedError(f"Attribute filters are not supported on {connection.vendor}.")

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        col, params = compiler.compile(self.source_expressions[0])
        key = self.key
        if self.kind == g.TEXT:
            sql = f"(CASE WHEN jsonb_typeof({col} -> %s) = 'string' THEN {col} ->> %s END)"
            return sql, (*params, key, *params, key)
        if self.kind == g.NUMBER:
            sql = (
                f"(CASE WHEN jsonb_typeof({col} -> %s) = 'number' "
                f"THEN ({col} ->> %s)::double precision END)"
            )
            return sql, (*params, key, *params, key)
        if self.kind == g.DATE:
            # Dates are ISO strings: compared byte-wise (COLLATE "C") they order as dates, and
            # no ::date cast can fail on a malformed value.
            sql = (
                f"(CASE WHEN jsonb_typeof({col} -> %s) = 'string' "
                f"AND ({col} ->> %s) ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' "
                f'THEN ({col} ->> %s) COLLATE "C" END)'
            )
            return sql, (*params, key, *params, key, *params, key)
        sql = f"(CASE WHEN jsonb_typeof({col} -> %s) = 'boolean' THEN ({col} ->> %s)::boolean END)"
        return sql, (*params, key, *params, key)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        col, params = compiler.compile(self.source_expressions[0])
        path = '$."{}"'.format(self.key.replace('"', '\\"'))
        if self.kind == g.TEXT:
            sql = f"(CASE WHEN json_type({col}, %s) = 'text' THEN json_extract({col}, %s) END)"
            return sql, (*params, path, *params, path)
        if self.kind == g.NUMBER:
            sql = (
                f"(CASE WHEN json_type({col}, %s) IN ('integer', 'real') "
                f"THEN json_extract({col}, %s) END)"
            )
            return sql, (*params, path, *params, path)
        if self.kind == g.DATE:
            sql = (
                f"(CASE WHEN json_type({col}, %s) = 'text' AND json_extract({col}, %s) "
                "GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' "
                f"THEN json_extract({col}, %s) END)"
            )
            return sql, (*params, path, *params, path, *params, path)
        sql = f"(CASE json_type({col}, %s) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
        return sql, (*params, path)


def _json_scalar(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _attribute(cond: Condition, context: FilterContext) -> Q:
    kind, op, value, key = cond.spec.type, cond.operator, cond.value, cond.key
    v = AttributeValue(key, kind)
    present = Q(IsNull(v, False))

    def when_present(*lookups) -> Q:
        # COALESCE(cmp, false) rather than "value IS NOT NULL AND cmp": the same two-valued
        # result with the JSON value extracted once per row instead of twice.
        parts = [Q(Coalesce(lookup, Value(False))) for lookup in lookups]
        q = parts[0]
        for part in parts[1:]:
            q &= part
        return q

    if op == "exists":
        return present
    if op == "not_exists":
        return ~present
    if op in ("eq", "neq"):
        if connection.vendor == "postgresql":
            # Containment is what the GIN index on attributes answers.
            q = Q(attributes__contains={key: _json_scalar(value)})
        else:
            q = when_present(Exact(v, value))
        return q if op == "eq" else ~q
    if kind == g.TEXT:
        if op in ("contains", "not_contains"):
            q = when_present(IContains(v, value))
            return q if op == "contains" else ~q
        if op == "starts_with":
            return when_present(IStartsWith(v, value))
        if op == "ends_with":
            return when_present(IEndsWith(v, value))
        if op in ("in", "not_in"):
            q = when_present(In(v, value))
            return q if op == "in" else ~q
        if op == "is_empty":
            return ~present | when_present(Exact(v, ""))
    if kind == g.NUMBER:
        comparisons = {
            "gt": GreaterThan,
            "gte": GreaterThanOrEqual,
            "lt": LessThan,
            "lte": LessThanOrEqual,
        }
        if op in comparisons:
            return when_present(comparisons[op](v, value))
        if op == "between":
            low, high = value
            return when_present(GreaterThanOrEqual(v, low), LessThanOrEqual(v, high))
    if kind == g.DATE:
        iso = _date_bounds(op, value, context)
        low, high, high_strict = iso
        lookups: list[Lookup[Any]] = []
        if low is not None:
            lookups.append(GreaterThanOrEqual(v, low))
        if high is not None:
            lookups.append(LessThan(v, high) if high_strict else LessThanOrEqual(v, high))
        return when_present(*lookups)
    raise AssertionError((kind, op))  # pragma: no cover


def _date_bounds(op: str, value, context: FilterContext):
    """(inclusive low, high, high is strict) as ISO strings for a date operator."""
    if op == "before":
        return None, value.isoformat(), True
    if op == "after":
        return (value + timedelta(days=1)).isoformat(), None, False
    if op == "between":
        return value[0].isoformat(), value[1].isoformat(), False
    today = context.today
    if op == "within_last_days":
        return (today - timedelta(days=value)).isoformat(), today.isoformat(), False
    if op == "more_than_days_ago":
        return None, (today - timedelta(days=value)).isoformat(), True
    raise AssertionError(op)  # pragma: no cover


# --- relations -------------------------------------------------------------------------------


def _tags(cond: Condition) -> Q:
    from audience.models import Contact

    through = Contact.tags.through.objects

    def has(names) -> Q:
        return Q(Exists(through.filter(contact_id=OuterRef("pk"), tag__name__in=names)))

    if cond.operator == "has_any":
        return has(cond.value)
    if cond.operator == "has_none":
        return ~has(cond.value)
    q = has([cond.value[0]])
    for name in cond.value[1:]:
        q &= has([name])
    return q


def _engagement(cond: Condition, context: FilterContext) -> Q:
    """The event log belongs to analytics, which answers with its own ``EXISTS``."""
    engaged = ports.engagement_condition.get()
    types = ENGAGEMENT_EVENT_TYPES[cond.operator]
    if "campaign_id" in cond.value:
        return engaged(
            account=context.account, event_types=types, campaign_id=cond.value["campaign_id"]
        )
    since = context.now - timedelta(days=cond.value["within_days"])
    return engaged(account=context.account, event_types=types, since=since)
