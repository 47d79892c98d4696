"""Writing many rows' changed fields at once, fast on the databases we run on.

Django's ``bulk_update`` builds a ``CASE WHEN pk = … THEN …`` expression per field and row,
which costs about a millisecond per row in Python (seen: 3,000 status receipts took 8 s of
CPU). PostgreSQL joins the new values as one array per column (``UPDATE … FROM unnest(…)``)
and SQLite ≥ 3.33 as a ``VALUES`` list, in one ``UPDATE … FROM``. Other backends keep
``bulk_update``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Field, Model


@contextmanager
def bound_cursor() -> Iterator[CursorWrapper]:
    """A cursor whose parameters travel beside the statement (PostgreSQL's server-side
    binding), for the hot writers' array statements; elsewhere Django's own cursor.

    Django's psycopg cursors bind on the client: each parameter is quoted into the SQL text in
    Python, an array element by element (a third of a status webhook's time went to quoting
    its five 100-element arrays). Bound apart, psycopg's C dumpers send them as they are, and
    the statement, always the same text, is prepared once per connection. Django's wrapper
    stays around it, so query logging and ``execute_wrapper`` see it as any other.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = ServerBindingCursor(connection.connection)  # type: ignore[call-arg]  # stubs: no args
    # Django's own wrapper (query logging, execute_wrapper), as for its cursors.
    with connection._prepare_cursor(raw) as cursor:  # type: ignore[attr-defined]
        yield cursor


def arrays_insert(
    table: str,
    columns: Sequence[tuple[str, str]],
    arrays: Sequence[Sequence[Any]],
    *,
    tail: str = "",
    ordered: bool = False,
) -> list[tuple[Any, ...]]:
    """PostgreSQL: ``INSERT INTO table … SELECT … FROM unnest(…)``, one array per column (its
    name and SQL type in ``columns``; ``jsonb`` travels as JSON text), bound in binary through
    ``bound_cursor``: one statement whatever the number of rows, no model instance, no value
    quoted in Python. ``tail``: an ``ON CONFLICT`` / ``RETURNING`` clause; ``ordered``: rows
    inserted in array order (writers that upsert shared rows in one order cannot deadlock).
    Answers the rows ``RETURNING`` gives, if any."""
    q = connection.ops.quote_name
    names = ", ".join(q(name) for name, _ in columns)
    binds = ", ".join(f"%b::{'text' if kind == 'jsonb' else kind}[]" for _, kind in columns)
    select = ", ".join(
        f"v.{q(name)}::jsonb" if kind == "jsonb" else f"v.{q(name)}" for name, kind in columns
    )
    source = (
        f"unnest({binds}) WITH ORDINALITY AS v ({names}, n) ORDER BY n"
        if ordered
        else f"unnest({binds}) AS v ({names})"
    )
    sql = f"INSERT INTO {q(table)} ({names}) SELECT {select} FROM {source} {tail}".rstrip()
    with bound_cursor() as cursor:
        cursor.execute(sql, [list(array) for array in arrays])
        return cursor.fetchall() if cursor.description else []


def _column_field(field: object, name: str) -> Field[Any, Any]:
    """``field`` when it has a column of its own: a relation's reverse side has none."""
    if not isinstance(field, Field) or field.column is None:
        raise ValueError(f"{name} is not a column of its model.")
    return field


def _column(field: Field[Any, Any]) -> str:
    """The field's quoted column (``_column_field`` checked that there is one)."""
    return connection.ops.quote_name(str(field.column))


def values_update(
    model: type[Model],
    objs: Sequence[Model],
    names: Sequence[str],
    *,
    where: dict[str, object] | None = None,
) -> None:
    """Write fields ``names`` of ``objs`` (saved rows of ``model``) in a few statements.

    ``where`` (field → value) leaves alone the rows that no longer match, as a guarded
    ``queryset.filter(...).bulk_update()`` would: a result is written only to a row still in
    the state its writer claimed.
    """
    if not objs:
        return
    where = where or {}
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        model._default_manager.filter(**where).bulk_update(objs, names, batch_size=500)
        return
    qn = connection.ops.quote_name
    fields = [_column_field(model._meta.get_field(name), name) for name in names]
    pk = _column_field(model._meta.pk, "pk")
    table = qn(model._meta.db_table)
    assignments = ", ".join(f"{_column(f)} = v.{_column(f)}" for f in fields)
    guards = [
        (_column_field(model._meta.get_field(name), name), value) for name, value in where.items()
    ]
    guard_sql = "".join(f" AND {table}.{_column(f)} = %s" for f, _ in guards)
    guard_params = [f.get_db_prep_value(value, connection) for f, value in guards]
    if vendor == "postgresql":
        _arrays_update(objs, pk, fields, table, assignments, guard_sql, guard_params)
        return
    row_sql = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    columns = ", ".join(_column(f) for f in [pk, *fields])
    # SQLite allows 999 parameters per statement in older builds; stay under it.
    per_batch = max(1, 999 // (len(fields) + 1))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_batch):
            batch = objs[start : start + per_batch]
            params: list[Any] = []
            for obj in batch:
                params.append(obj.pk)
                params.extend(
                    f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields
                )
            cursor.execute(
                f"WITH v ({columns}) AS (VALUES {', '.join([row_sql] * len(batch))}) "
                f"UPDATE {table} SET {assignments} FROM v "
                f"WHERE {table}.{_column(pk)} = v.{_column(pk)}{guard_sql}",
                params + guard_params,
            )


def _arrays_update(
    objs: Sequence[Model],
    pk: Field[Any, Any],
    fields: list[Field[Any, Any]],
    table: str,
    assignments: str,
    guard_sql: str,
    guard_params: list[Any],
) -> None:
    """PostgreSQL: one statement of one array per column, ``unnest``ed side by side. Its text
    is the same whatever the number of rows, so the driver parses it once per connection (a
    thousand-row ``VALUES`` list was past psycopg's statement cache and parsed every time)."""
    columns = [pk, *fields]
    arrays = ", ".join(f"%b::{f.db_type(connection)}[]" for f in columns)
    names = ", ".join(_column(f) for f in columns)
    sql = (
        f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v ({names}) "
        f"WHERE {table}.{_column(pk)} = v.{_column(pk)}{guard_sql}"
    )
    with bound_cursor() as cursor:
        for start in range(0, len(objs), 5000):
            batch = objs[start : start + 5000]
            values: list[list[Any]] = [[obj.pk for obj in batch]]
            for f in fields:
                values.append(
                    [f.get_db_prep_save(getattr(o, f.attname), connection) for o in batch]
                )
            cursor.execute(sql, [*values, *guard_params])
