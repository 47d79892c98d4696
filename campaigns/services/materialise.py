"""Materialisation: a campaign's audience becomes its ``Recipient`` rows, set-based.

On PostgreSQL the audience query is wrapped in one ``INSERT … SELECT … ON CONFLICT DO NOTHING``
so no contact id leaves the database. Elsewhere the ids are read in keyset-paged chunks and
inserted with ``bulk_create(ignore_conflicts=True)``, memory flat. Both are idempotent: the
(campaign, contact) unique constraint makes a second run insert nothing. Variant and
``send_at`` are set afterwards by the delivery code with set-based UPDATEs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import DateTimeField, IntegerField, QuerySet, Value
from django.utils import timezone

from audience.models import Contact
from audience.selectors import audience_queryset, without_jit
from campaigns.models import Campaign, Recipient

CHUNK_SIZE = 5000


def recipients_materialise(*, campaign: Campaign, now: datetime | None = None) -> int:
    """Inserts a pending recipient per audience contact not yet in the campaign; the count."""
    now = now or timezone.now()
    contacts = audience_queryset(campaign=campaign, now=now).order_by()
    if connection.vendor == "postgresql":
        return _insert_select(campaign, contacts, now)
    return _chunked(campaign, contacts, now)


def _insert_select(campaign: Campaign, contacts: QuerySet[Contact], now: datetime) -> int:
    columns: list[str] = []
    values: dict[str, Any] = {}
    fixed = {
        "account": Value(campaign.account_id, output_field=IntegerField()),
        "campaign": Value(campaign.pk, output_field=IntegerField()),
        "status": Value(Recipient.Status.PENDING.value),
        "created_at": Value(now, output_field=DateTimeField()),
    }
    # Every NOT NULL column gets its model default (the table has no database defaults), so
    # fields the delivery code adds to Recipient need no change here.
    for field in Recipient._meta.concrete_fields:
        if field.primary_key or (field.null and field.name not in fixed):
            continue
        columns.append(field.column)
        if field.name == "contact":
            values[field.column] = "pk"
            continue
        expression = fixed.get(field.name)
        if expression is None:
            expression = Value(field.get_default(), output_field=field)
        values[field.column] = expression
    annotations = {f"_m_{c}": v for c, v in values.items() if not isinstance(v, str)}
    names = [values[c] if isinstance(values[c], str) else f"_m_{c}" for c in columns]
    rows = contacts.annotate(**annotations).values_list(*names)
    select_sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(Recipient._meta.db_table)} "
        f"({', '.join(quote(c) for c in columns)}) {select_sql} "
        'ON CONFLICT ("campaign_id", "contact_id") DO NOTHING'
    )
    with without_jit(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _chunked(campaign: Campaign, contacts: QuerySet[Contact], now: datetime) -> int:
    existing = Recipient.objects.filter(campaign=campaign)
    before = existing.count()
    ids = contacts.values_list("pk", flat=True).order_by("pk")
    last = 0
    while True:
        chunk = list(ids.filter(pk__gt=last)[:CHUNK_SIZE])
        if not chunk:
            break
        with transaction.atomic():
            Recipient.objects.bulk_create(
                [
                    Recipient(
                        account_id=campaign.account_id,
                        campaign_id=campaign.pk,
                        contact_id=contact_id,
                        status=Recipient.Status.PENDING,
                        created_at=now,
                    )
                    for contact_id in chunk
                ],
                ignore_conflicts=True,
            )
        last = chunk[-1]
    return existing.count() - before
