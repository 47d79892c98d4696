"""django-q2 entry points of the send pipeline: thin, by id, safe to run twice."""

from campaigns.services import control, dispatch, sending


def campaign_prepare(campaign_id: int) -> int:
    return dispatch.campaign_prepare(campaign_id=campaign_id)


def batch_send(batch_id: int) -> int:
    from campaigns.models import SendBatch

    sent = sending.batch_send(batch_id=batch_id)
    campaign_id = SendBatch.objects.filter(pk=batch_id).values_list("campaign_id", flat=True)
    for cid in campaign_id:
        dispatch.campaign_progress(campaign_id=cid)
    return sent


def campaign_run(campaign_id: int) -> None:
    """A campaign's Schedule fired: its scheduled start, or a recurring broadcast's next run."""
    control.schedule_fired(campaign_id=campaign_id)


def tick() -> int:
    return dispatch.tick()


def sweep() -> dict:
    return dispatch.sweep()


def reach_refresh() -> dict:
    from campaigns.services import reach

    return reach.counts_refresh_due()
