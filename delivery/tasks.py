"""django-q2 entry points of the send pipeline: thin, by id, safe to run twice."""

import time

from django.conf import settings

from delivery import clicks, control, dispatch, prepare, send
from delivery.models import SendBatch


def campaign_prepare(campaign_id: int) -> int:
    return prepare.campaign_prepare(campaign_id=campaign_id)


def batch_send(batch_id: int) -> int:
    sent = send.batch_send(batch_id=batch_id)
    campaign_id = SendBatch.objects.filter(pk=batch_id).values_list("campaign_id", flat=True)
    for cid in campaign_id:
        dispatch.campaign_progress(campaign_id=cid)
    return sent


def campaign_run(campaign_id: int) -> None:
    """A campaign's Schedule fired: its scheduled start, or a recurring broadcast's next run."""
    control.schedule_fired(campaign_id=campaign_id)


def tick() -> int:
    return dispatch.tick()


def sweep() -> dict[str, int]:
    return dispatch.sweep()


def clicks_drain() -> int:
    """Every minute (``schedules``): count the buffered clicks; follow up while they come."""
    result = clicks.clicks_drain()
    if result.hits:
        clicks.drain_follow_up()
    return result.hits


def clicks_drain_follow() -> int:
    """A follow-up drain: wait a moment so hits gather, then drain (and follow up again)."""
    from django.core.cache import cache

    cache.delete(clicks.FOLLOW_KEY)
    time.sleep(float(settings.CLICK_DRAIN_PAUSE_SECONDS))
    return clicks_drain()
