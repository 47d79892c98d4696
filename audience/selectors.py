"""Reads of segments, audiences and the suppression list; every one takes the account.

An audience is one query: the audience type's condition, then the exclusions (unsubscribed,
excluded segments, suppression list, frequency cap, and for e-mail the opted-out and bounced
addresses) as further conditions of the same query, so estimating, sampling and materialising
never filter contacts in Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from audience import ports
from audience.filters.compile import FALSE, TRUE, compile_group
from audience.filters.validate import FilterContext, filters_parse
from audience.models import Contact, Segment, SuppressionEntry
from core.errors import NotFound, ValidationFailed

if TYPE_CHECKING:
    from accounts.models import Account

MAX_FREQUENCY_CAP_HOURS = 24 * 365
EMAIL_CHANNEL = "email"
# Always applied to e-mail audiences, whatever the campaign's exclusions say: an opt-out from
# the unsubscribe link is the law's, and a hard bounce hurts the sender's reputation. Two
# NULL tests on the contact's own row: no join, no index needed (nearly every row passes).
EMAIL_REACHABLE = Q(email_opted_out_at__isnull=True, email_bounced_at__isnull=True)


@contextmanager
def without_jit() -> Iterator[None]:
    """Runs the enclosed audience queries with PostgreSQL's JIT compiler off.

    Their cost estimates over a large contact table pass ``jit_above_cost``, and compiling
    the expression tree then takes seconds for a query that runs in milliseconds (measured
    by bench/audience_bench.py). ``SET LOCAL`` keeps the change inside this transaction.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def audience_count(queryset: QuerySet[Contact]) -> int:
    """``queryset.count()`` for an audience query, planned for a short read."""
    with without_jit():
        return queryset.count()


def segment_get(*, account: Account, segment_id: int | str) -> Segment:
    """The account's segment, or ``NotFound`` (also for another account's id)."""
    try:
        return Segment.objects.for_account(account).get(pk=int(segment_id))
    except (Segment.DoesNotExist, ValueError, TypeError):
        raise NotFound("Segment not found.") from None


def segment_list(*, account: Account) -> QuerySet[Segment]:
    return Segment.objects.for_account(account).order_by("name", "id")


def contacts_matching(
    *,
    account: Account,
    filters: Any,
    now: datetime | None = None,
    path: str = "filters",
    segment_id: int | None = None,
) -> QuerySet[Contact]:
    """The account's contacts that a filter tree selects (``ValidationFailed`` if it is bad)."""
    context = FilterContext(account=account, now=now or timezone.now())
    group = filters_parse(filters, context=context, path=path, segment_id=segment_id)
    return Contact.objects.for_account(account).filter(compile_group(group, context))


def segment_contacts(*, segment: Segment) -> QuerySet[Contact]:
    return contacts_matching(account=segment.account, filters=segment.filters)


@dataclass
class AudienceSpec:
    """The audience part of a campaign, whether read from a campaign or from the API."""

    type: str = "all"
    segment_ids: list[int] = field(default_factory=list)
    custom_filters: dict[str, Any] | None = None
    exclude_unsubscribed: bool = True
    exclude_segment_ids: list[int] = field(default_factory=list)
    exclude_suppressed: bool = True
    frequency_cap_hours: int | None = None
    # The sender's channel: e-mail leaves out contacts who opted out of e-mail or bounced.
    channel: str = ""


def audience_spec_from_payload(payload: dict[str, Any]) -> AudienceSpec:
    """Reads the API's audience object (camelCase); bad shapes raise ``ValidationFailed``."""
    problems: list[dict[str, str]] = []
    if not isinstance(payload, dict):
        raise ValidationFailed("The audience must be an object.")
    kind = payload.get("type", "all")
    if kind not in ("all", "segment", "custom"):
        problems.append({"field": "type", "message": "type must be all, segment or custom."})

    def ids(name: str) -> list[int]:
        value = payload.get(name) or []
        if not isinstance(value, list):
            problems.append({"field": name, "message": f"{name} must be a list of segment ids."})
            return []
        out: list[int] = []
        for index, item in enumerate(value):
            try:
                if isinstance(item, bool):
                    raise ValueError
                out.append(int(item))
            except (TypeError, ValueError):
                problems.append({"field": f"{name}.{index}", "message": "Not a segment id."})
        return out

    def flag(name: str, default: bool) -> bool:
        value = payload.get(name, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            problems.append({"field": name, "message": f"{name} must be true or false."})
            return default
        return value

    cap = payload.get("frequencyCapHours")
    if cap is not None and (
        isinstance(cap, bool) or not isinstance(cap, int) or not 0 < cap <= MAX_FREQUENCY_CAP_HOURS
    ):
        problems.append(
            {
                "field": "frequencyCapHours",
                "message": f"frequencyCapHours must be a whole number from 1 to "
                f"{MAX_FREQUENCY_CAP_HOURS}.",
            }
        )
        cap = None
    spec = AudienceSpec(
        type=kind,
        segment_ids=ids("segmentIds"),
        custom_filters=payload.get("customFilters"),
        exclude_unsubscribed=flag("excludeUnsubscribed", True),
        exclude_segment_ids=ids("excludeSegmentIds"),
        exclude_suppressed=flag("excludeSuppressed", True),
        frequency_cap_hours=cap,
    )
    if problems:
        raise ValidationFailed(problems[0]["message"], extra={"problems": problems})
    return spec


def audience_spec_from_campaign(campaign: ports.CampaignAudience) -> AudienceSpec:
    return AudienceSpec(
        type=campaign.audience_type,
        segment_ids=[s.pk for s in campaign.segments.all()] if campaign.pk else [],
        custom_filters=campaign.custom_filters,
        exclude_unsubscribed=campaign.exclude_unsubscribed,
        exclude_segment_ids=[s.pk for s in campaign.exclude_segments.all()] if campaign.pk else [],
        exclude_suppressed=campaign.exclude_suppressed,
        frequency_cap_hours=campaign.frequency_cap_hours,
        channel=campaign.sender.channel if campaign.sender else "",
    )


def _segments_q(ids: list[int], context: FilterContext, *, path: str) -> Q:
    """The union of the segments' conditions (FALSE for no segment)."""
    segments = {s.pk: s for s in Segment.objects.for_account(context.account).filter(pk__in=ids)}
    problems = [
        {"field": f"{path}.{i}", "message": f"Segment {sid} does not exist."}
        for i, sid in enumerate(ids)
        if sid not in segments
    ]
    if problems:
        raise ValidationFailed(problems[0]["message"], extra={"problems": problems})
    q = FALSE
    for sid in dict.fromkeys(ids):
        segment = segments[sid]
        try:
            group = filters_parse(segment.filters, context=context, segment_id=segment.pk)
        except ValidationFailed as exc:
            raise ValidationFailed(
                f"Segment '{segment.name}' cannot be used: {exc.message}",
                extra={"problems": [{"field": path, "message": exc.message}]},
            ) from None
        q |= compile_group(group, context)
    return q


def audience_contacts(
    *, account: Account, spec: AudienceSpec, now: datetime | None = None
) -> QuerySet[Contact]:
    """The contacts an audience reaches, after every exclusion, as one query."""
    now = now or timezone.now()
    context = FilterContext(account=account, now=now)
    if spec.type == "segment":
        if not spec.segment_ids:
            raise ValidationFailed(
                "Pick at least one segment.",
                extra={"problems": [{"field": "segmentIds", "message": "Pick a segment."}]},
            )
        q = _segments_q(spec.segment_ids, context, path="segmentIds")
    elif spec.type == "custom":
        group = filters_parse(spec.custom_filters or {}, context=context, path="customFilters")
        q = compile_group(group, context)
    else:
        q = TRUE
    if spec.exclude_segment_ids:
        q &= ~_segments_q(spec.exclude_segment_ids, context, path="excludeSegmentIds")
    if spec.exclude_unsubscribed:
        q &= Q(subscribed=True)
    if spec.exclude_suppressed:
        q &= ~_suppressed_q(account)
    if spec.frequency_cap_hours:
        q &= ~_recently_messaged_q(account, since=now - timedelta(hours=spec.frequency_cap_hours))
    if spec.channel == EMAIL_CHANNEL:
        q &= EMAIL_REACHABLE
    return Contact.objects.for_account(account).filter(q)


def _suppressed_q(account: Account) -> Q:
    entries = SuppressionEntry.objects.for_account(account)
    by_phone = entries.filter(phone=OuterRef("phone"))
    by_email = entries.filter(email=Lower(OuterRef("email")))
    return Q(Exists(by_phone)) | Q(Exists(by_email))


def _recently_messaged_q(account: Account, *, since: datetime) -> Q:
    """The messages sent belong to the app owning recipients, which answers the condition."""
    return ports.messaged_since.get()(account=account, since=since)


def audience_queryset(
    *, campaign: ports.CampaignAudience, now: datetime | None = None
) -> QuerySet[Contact]:
    """The contacts a campaign reaches now: what materialisation inserts as recipients."""
    return audience_contacts(
        account=campaign.account, spec=audience_spec_from_campaign(campaign), now=now
    )


def audience_estimate(*, account: Account, audience: dict[str, Any]) -> int:
    """How many contacts the API's audience object reaches (``ValidationFailed`` if bad)."""
    spec = audience_spec_from_payload(audience)
    return audience_count(audience_contacts(account=account, spec=spec))


def suppression_list(*, account: Account, q: str = "") -> QuerySet[SuppressionEntry]:
    entries = SuppressionEntry.objects.for_account(account)
    if q:
        entries = entries.filter(Q(phone__icontains=q) | Q(email__icontains=q))
    return entries.order_by("-created_at", "-id")


def suppression_get(*, account: Account, entry_id: int | str) -> SuppressionEntry:
    try:
        return SuppressionEntry.objects.for_account(account).get(pk=int(entry_id))
    except (SuppressionEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound("Suppression entry not found.") from None
