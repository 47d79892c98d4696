"""The demo's campaigns taken where they stand the way a marketer's clicks take them: written as
drafts, then published or paused through ``campaigns.services.control``, with the send pipeline
running inline against the sandbox and its status playback applied at once."""

import ast
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.test.utils import override_settings
from django_q.models import Schedule

from accounts.models import Account
from audience.services.segments import campaign_refresh_reach
from campaigns.demo.report import Report
from campaigns.models import AutomationTrigger, Campaign, Variant, WorkflowStep
from campaigns.services import transitions
from delivery import control
from messaging.models import Sender
from messaging.services.sandbox import sandbox_statuses_emit


def campaigns_run(
    *,
    account: Account,
    owner: User,
    sender: Sender,
    specs: list[dict[str, Any]],
    report: Report,
) -> None:
    """Each campaign of ``specs`` not in the account yet (by name), made and taken where it
    stands; then the statuses the sandbox scheduled are played back."""
    made = 0
    for spec in specs:
        if Campaign.objects.for_account(account).filter(name=spec["name"]).exists():
            continue
        _campaign(account, owner, sender, spec)
        made += 1
    report.piece("campaigns", "sent through the sandbox", made)
    played = _sandbox_statuses_play_back()
    if played:
        report.line("statuses", f"{played} delivered / read / failed played back")


def _campaign(account: Account, owner: User, sender: Sender, spec: dict[str, Any]) -> Campaign:
    spec = dict(spec)
    segments = spec.pop("segments", [])
    variants = spec.pop("variants", [])
    steps = spec.pop("steps", [])
    triggers = spec.pop("triggers", [])
    then = spec.pop("then", [])
    with transaction.atomic():
        campaign = Campaign.objects.create(account=account, sender=sender, created_by=owner, **spec)
        campaign.segments.set(segments)
        Variant.objects.bulk_create(Variant(campaign=campaign, **v) for v in variants)
        WorkflowStep.objects.bulk_create(
            WorkflowStep(campaign=campaign, position=i, **s) for i, s in enumerate(steps)
        )
        AutomationTrigger.objects.bulk_create(
            AutomationTrigger(campaign=campaign, **t) for t in triggers
        )
        transitions.record(campaign=campaign, actor=owner, action="create", source="seed_demo")
        campaign_refresh_reach(campaign=campaign)
    # Each step commits on its own, so the pipeline runs inline right after it (without
    # django-q's line per task in the command's output).
    with override_settings(CAMPAIGNS_TASKS_SYNC=True), _quiet("django-q"):
        for step, options in then:
            getattr(control, step)(campaign=campaign, actor=owner, **options)
    campaign.refresh_from_db()
    return campaign


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _sandbox_statuses_play_back() -> int:
    """Run now the status playback the sandbox scheduled for its messages (what the cluster
    would do a few seconds later), so the demo opens with delivered, read and failed counts."""
    applied = 0
    rows = Schedule.objects.filter(func="messaging.tasks.sandbox_statuses_emit").order_by(
        "next_run"
    )
    for schedule in rows:
        message_pks, stage = ast.literal_eval(schedule.args)
        applied += sandbox_statuses_emit(message_pks=message_pks, stage=stage).applied
        schedule.delete()
    return applied
