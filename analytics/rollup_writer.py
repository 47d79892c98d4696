"""Keeping the rollups: every batch of events the log's writer appends is added to
``analytics.models.Rollup`` in the same transaction, as ``count = count + n`` upserts.

Why here and not in each writer: the sending pipeline, provider statuses, clicks and
conversions all append through one door (``core.events.events_record``), so the counts by day,
hour, local hour, country, link, device and event cannot drift from the log. A batch costs one
read of its recipients' variant, country and time zone, and one upsert per hundred cells;
cells are written in one order, so concurrent writers on PostgreSQL queue instead of
deadlocking.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import connection
from django.db.models.functions import Coalesce

from accounts.models import Account
from analytics.models import Event, Rollup
from analytics.rollups import Dim, Kind
from audience.models import Contact
from campaigns.models import Campaign, analytics_stamp_new
from core.bulk import arrays_insert
from core.events import EventType, NewEvent
from delivery.models import Recipient

# (campaign_id, dimension, day, variant_key, key, kind)
Cell = tuple[int, str, dt.date, str, str, str]

_CHUNK = 100  # cells per INSERT: 8 parameters each, under every backend's limit
_PLAIN: dict[str, Kind] = {
    EventType.QUEUED: Kind.QUEUED,
    EventType.SENT: Kind.SENT,
    EventType.DELIVERED: Kind.DELIVERED,
    EventType.READ: Kind.READ,
    EventType.FAILED: Kind.FAILED,
    EventType.REPLIED: Kind.REPLIED,
    EventType.UNSUBSCRIBED: Kind.UNSUBSCRIBED,
}


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


# The rollups' variant slot: a journey's messages carry their step there (journey campaigns
# have no variants), so "by variant" reads "by step" with no dimension of its own.
_SHAPE = Coalesce("variant__key", "step_key")


class _Who:
    """Variant (or journey step), country and time zone of the recipients (or contacts) a
    batch names, with their account's zone for contacts that have none: one query for a batch
    of statuses."""

    def __init__(self, events: Sequence[NewEvent]) -> None:
        # pk -> (variant key, country, contact's zone, account's zone)
        self.recipients: dict[int, tuple[str, str, str, str]] = {}
        ids = sorted({e.recipient_id for e in events if e.recipient_id})
        for start in range(0, len(ids), 500):
            # any_of: one array parameter (500 placeholders made a statement too long for
            # psycopg's cache, parsed again per query).
            rows = Recipient.objects.filter(pk__any_of=ids[start : start + 500]).values_list(
                "pk", _SHAPE, "contact__country", "contact__timezone", "account__timezone"
            )
            for pk, variant, country, zone, account_zone in rows:
                self.recipients[pk] = (variant or "", country or "", zone or "", account_zone)
        self.contacts: dict[int, tuple[str, str, str]] = {}
        ids = sorted({e.contact_id for e in events if e.contact_id and not e.recipient_id})
        for start in range(0, len(ids), 500):
            contacts = Contact.objects.filter(pk__any_of=ids[start : start + 500]).values_list(
                "pk", "country", "timezone", "account__timezone"
            )
            for pk, country, zone, account_zone in contacts:
                self.contacts[pk] = (country or "", zone or "", account_zone)
        self.accounts: dict[int, str] = {}
        alone = {e.account_id for e in events if not (e.recipient_id or e.contact_id)}
        if alone:
            self.accounts = dict(Account.objects.filter(pk__in=alone).values_list("pk", "timezone"))

    def of(self, event: NewEvent) -> tuple[str, str, dt.tzinfo]:
        variant, country, zone, account_zone = "", "", "", ""
        if event.recipient_id and event.recipient_id in self.recipients:
            variant, country, zone, account_zone = self.recipients[event.recipient_id]
        elif event.contact_id and event.contact_id in self.contacts:
            country, zone, account_zone = self.contacts[event.contact_id]
        else:
            account_zone = self.accounts.get(event.account_id, "")
        return variant, country, _zone(zone) or _zone(account_zone) or dt.UTC


# A kind ``event`` adds to: the kind, +1 or -1, the dimensions only it has, and whether it is
# also counted on the common ones (total, hour, local hour, country).
Counted = tuple[str, int, tuple[tuple[Dim, str], ...], bool]


def _kinds(event: NewEvent) -> Iterator[Counted]:
    """The kinds ``event`` adds to."""
    data = event.data
    if event.type == EventType.CLICKED:
        if data.get("bot"):
            yield Kind.BOT_CLICKED, 1, (), True
            return
        link = str(data.get("link_id") or "")
        extra = (
            (Dim.DEVICE, str(data.get("device") or "other")),
            (Dim.OS, str(data.get("os") or "Other")[:64]),
            (Dim.BROWSER, str(data.get("browser") or "Other")[:64]),
        )
        yield Kind.CLICKED, 1, ((Dim.LINK, link), *extra) if link else extra, True
        if data.get("unique"):
            yield Kind.CLICKED_UNIQUE, 1, (), True
        if link and data.get("link_unique"):
            # Unique per link: only the link dimension reads it.
            yield Kind.CLICKED_UNIQUE, 1, ((Dim.LINK, link),), False
        return
    if event.type == EventType.CONVERTED:
        name = str(data.get("event") or "conversion")[:64]
        yield Kind.CONVERTED, 1, ((Dim.EVENT, name),), True
        if data.get("unique"):
            yield Kind.CONVERTED_UNIQUE, 1, ((Dim.EVENT, name),), True
        return
    # The str value looks the kind up directly (``EventType.values`` builds a list per call:
    # a third of a rebuild's time at 3,000,000 events).
    kind = _PLAIN.get(event.type)
    if kind is None:
        return
    yield kind, 1, (), True
    if event.type == EventType.FAILED and data.get("was_delivered"):
        yield Kind.DELIVERED, -1, (), True  # the message is no longer counted as delivered


def rollups_add(events: Iterable[NewEvent]) -> int:
    """Add ``events`` to their campaigns' rollups; answers how many cells changed."""
    batch = [e for e in events if e.campaign_id]
    if not batch:
        return 0
    _stamps_renew({e.campaign_id for e in batch if e.campaign_id})
    who = _Who(batch)
    counts: dict[Cell, int] = defaultdict(int)
    values: dict[Cell, Decimal] = defaultdict(Decimal)
    for event in batch:
        assert event.campaign_id is not None
        variant, country, tz = who.of(event)
        at = event.occurred_at.astimezone(dt.UTC)
        local = event.occurred_at.astimezone(tz)
        if event.type == EventType.CLICKED and event.data.get("country"):
            country = str(event.data["country"])[:2].upper()
        common = (
            (Dim.TOTAL, ""),
            (Dim.HOUR, f"{at.hour:02d}"),
            (Dim.LOCAL, f"{local.isoweekday()}-{local.hour:02d}"),
            (Dim.COUNTRY, country),
        )
        revenue = event.revenue if event.type == EventType.CONVERTED else None
        for kind, sign, extra, on_common in _kinds(event):
            for dimension, key in (*(common if on_common else ()), *extra):
                cell = (event.campaign_id, dimension, at.date(), variant, key, kind)
                counts[cell] += sign
                if revenue is not None and kind == Kind.CONVERTED:
                    values[cell] += revenue
    _upsert(counts, values)
    return len(counts)


def _stamps_renew(campaign_ids: set[int]) -> None:
    """Give each campaign a new ``analytics_stamp``, first: a kept report of it is stale from
    this commit on. First, so every writer locks the campaign's row before its rollup cells
    (the pipeline updates the row's counters before it records events; a writer taking the
    cells first could deadlock with it)."""
    for campaign_id in sorted(campaign_ids):
        Campaign.objects.filter(pk=campaign_id).update(analytics_stamp=analytics_stamp_new())


_COLUMNS = ("campaign_id", "dimension", "day", "variant_key", "key", "kind", "count", "value")
_TYPES = ("bigint", "text", "date", "text", "text", "text", "bigint", "numeric")


def _upsert(counts: dict[Cell, int], values: dict[Cell, Decimal]) -> None:
    table = connection.ops.quote_name(Rollup._meta.db_table)
    q = connection.ops.quote_name
    columns = _COLUMNS
    unique = ", ".join(q(c) for c in columns[:6])
    on_conflict = (
        f"ON CONFLICT ({unique}) DO UPDATE SET "
        f"{q('count')} = {table}.{q('count')} + excluded.{q('count')}, "
        f"{q('value')} = {table}.{q('value')} + excluded.{q('value')}"
    )
    cells = sorted(counts)
    if connection.vendor == "postgresql" and cells:
        # One statement of eight array parameters, whatever the batch's size: its text is the
        # same every time, so psycopg parses it once (a 100-row VALUES list is over psycopg's
        # 4 KiB statement cache and was parsed again per chunk: ~15 % of a rebuild's time).
        arrays: list[list[object]] = [list(column) for column in zip(*cells, strict=True)]
        arrays.append([counts[cell] for cell in cells])
        arrays.append([values.get(cell, Decimal("0")) for cell in cells])
        arrays_insert(
            Rollup._meta.db_table,
            list(zip(columns, _TYPES, strict=True)),
            arrays,
            tail=on_conflict,
            ordered=True,
        )
        return
    for start in range(0, len(cells), _CHUNK):
        chunk = cells[start : start + _CHUNK]
        params: list[int | str | dt.date | Decimal] = []
        for cell in chunk:
            campaign_id, dimension, day, variant, key, kind = cell
            params += [campaign_id, dimension, day, variant, key, kind, counts[cell]]
            params.append(values.get(cell, Decimal("0")))
        placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        sql = (
            f"INSERT INTO {table} ({', '.join(q(c) for c in columns)}) VALUES {placeholders} "
            f"{on_conflict}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def rollups_rebuild(campaign_id: int, *, chunk: int = 5000) -> int:
    """Count ``campaign_id``'s rollups again from its events (after an upgrade that adds a
    dimension, or to check them); answers how many events were read."""
    Rollup.objects.filter(campaign_id=campaign_id).delete()
    seen = 0
    last = 0
    while True:
        rows = list(
            Event.objects.filter(campaign_id=campaign_id, pk__gt=last)
            .order_by("pk")
            .values(
                "pk",
                "account_id",
                "recipient_id",
                "contact_id",
                "type",
                "occurred_at",
                "data",
                "revenue",
            )[:chunk]
        )
        if not rows:
            return seen
        last = rows[-1]["pk"]
        seen += len(rows)
        rollups_add(
            NewEvent(
                account_id=row["account_id"],
                campaign_id=campaign_id,
                recipient_id=row["recipient_id"],
                contact_id=row["contact_id"],
                type=row["type"],
                occurred_at=row["occurred_at"],
                data=row["data"] or {},
                revenue=row["revenue"],
            )
            for row in rows
        )
