"""Materialisation: a campaign's audience becomes its ``Recipient`` rows, set-based.

On PostgreSQL the audience query is wrapped in one ``INSERT … SELECT … ON CONFLICT DO NOTHING``
so no contact id leaves the database. Elsewhere the ids are read in keyset-paged chunks and
inserted with ``bulk_create(ignore_conflicts=True)``, memory flat. Both are idempotent: the
(campaign, contact) key of broadcast recipients makes a second run insert nothing. Variant
and ``send_at`` are set afterwards with set-based UPDATEs: one per variant, one per time zone.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import DateTimeField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Mod
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone

from audience.models import Contact
from audience.selectors import audience_queryset, without_jit
from campaigns import lifecycle
from campaigns.models import Campaign, Variant
from campaigns.services import transitions
from campaigns.timing import recipient_send_at, zone_of
from campaigns.validation import type_problem
from delivery import dispatch, pacing
from delivery.models import Recipient

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
        column = field.column  # a concrete field's is set; the stubs allow None for any field
        if field.primary_key or column is None or (field.null and field.name not in fixed):
            continue
        columns.append(column)
        if field.name == "contact":
            values[column] = "pk"
            continue
        expression = fixed.get(field.name)
        if expression is None:
            expression = Value(field.get_default(), output_field=field)
        values[column] = expression
    annotations = {f"_m_{c}": v for c, v in values.items() if not isinstance(v, str)}
    names = [values[c] if isinstance(values[c], str) else f"_m_{c}" for c in columns]
    rows = contacts.annotate(**annotations).values_list(*names)
    select_sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(Recipient._meta.db_table)} "
        f"({', '.join(quote(c) for c in columns)}) {select_sql} "
        # The broadcast key is partial: PostgreSQL infers it only from its predicate.
        'ON CONFLICT ("campaign_id", "contact_id") WHERE "enrollment_id" IS NULL DO NOTHING'
    )
    with without_jit(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(int(cursor.rowcount), 0)


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


# Variants and send times --------------------------------------------------------------------


def recipients_schedule(*, campaign: Campaign, start: dt.datetime) -> None:
    """Set ``send_at`` of the campaign's pending recipients: one UPDATE per distinct zone."""
    pending = Recipient.objects.filter(campaign=campaign, status=Recipient.Status.PENDING)
    campaign_zone = zone_of(campaign.timezone)
    per_zone = bool(
        campaign.local_time_delivery or (campaign.quiet_hours_start and campaign.quiet_hours_end)
    )
    if not per_zone:
        pending.update(send_at=start)
        return
    names = list(pending.order_by().values_list("contact__timezone", flat=True).distinct())
    for name in names:
        send_at = recipient_send_at(
            start=start,
            zone=zone_of(name, campaign.timezone),
            campaign_zone=campaign_zone,
            delivery_time=campaign.delivery_time,
            local_delivery=campaign.local_time_delivery,
            quiet_start=campaign.quiet_hours_start,
            quiet_end=campaign.quiet_hours_end,
        )
        pending.filter(contact__timezone=name).update(send_at=send_at)


def variants_assign(*, campaign: Campaign) -> None:
    """A/B split by id modulo 100: one UPDATE per variant over its slice of 0–99."""
    variants = list(campaign.variants.order_by("key"))
    if not variants or not (campaign.ab_enabled or campaign.type == Campaign.Type.AB_TEST):
        return
    pending = Recipient.objects.filter(campaign=campaign, status=Recipient.Status.PENDING)
    low = 0
    for i, variant in enumerate(variants):
        high = 100 if i == len(variants) - 1 else low + int(variant.split_percentage)
        assigned = pending.filter(
            GreaterThanOrEqual(Mod("id", 100), low), LessThan(Mod("id", 100), high)
        ).update(variant=variant)
        Variant.objects.filter(pk=variant.pk).update(
            recipients_total=F("recipients_total") + assigned
        )
        low = high


def campaign_prepare(*, campaign_id: int) -> int:
    """Materialise the run's recipients with variant and send time; returns how many."""
    pacing.limit_refresh(campaign_id)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None or campaign.status != Campaign.Status.RUNNING:
            return 0
        if campaign.prepared_at is not None:
            transaction.on_commit(lambda: dispatch.campaign_progress(campaign_id=campaign_id))
            return 0
        problem = type_problem(campaign)
        if problem:
            # Only reachable through data written around the guard (an old demo, a hand
            # edit): the audience is never materialised for a type the pipeline cannot run.
            transitions.move(campaign, action=lifecycle.Action.PAUSE, reason=problem[:500])
            return 0
        now = timezone.now()
        count = recipients_materialise(campaign=campaign)
        variants_assign(campaign=campaign)
        recipients_schedule(campaign=campaign, start=now)
        campaign.total_recipients = (campaign.total_recipients or 0) + count
        campaign.prepared_at = now
        campaign.run_count = (campaign.run_count or 0) + 1
        campaign.save(update_fields=["total_recipients", "prepared_at", "run_count", "updated_at"])
        transaction.on_commit(lambda: dispatch.campaign_progress(campaign_id=campaign_id))
    return count
