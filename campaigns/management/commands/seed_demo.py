"""``manage.py seed_demo``: the demo store that ``make run`` opens on, idempotently.

The pieces and why they are made the way they are: ``campaigns.demo``.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from campaigns.demo.campaign_specs import campaign_specs
from campaigns.demo.contacts import attributes_ensure, contacts_ensure, tags_ensure
from campaigns.demo.report import Report
from campaigns.demo.runs import campaigns_run
from campaigns.demo.segments import segments_ensure
from campaigns.demo.store import account_ensure, logins_ensure, sender_ensure
from campaigns.demo.templates import templates_ensure


class Command(BaseCommand):
    help = "Load the demo store (account 'demo'), idempotently."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        report = Report(self.stdout.write)
        with transaction.atomic():
            account = account_ensure(report=report)
            users = logins_ensure(account=account, report=report)
            attributes_ensure(account=account, report=report)
            tags = tags_ensure(account=account, report=report)
            contacts_ensure(account=account, tags=tags, now=now, report=report)
            segments = segments_ensure(account=account, owner=users["demo"], report=report)
            templates = templates_ensure(account=account, report=report)
            sender = sender_ensure(account=account, report=report)
        # Outside the transaction above: each campaign step commits, and the pipeline that
        # runs after a commit sees the contacts.
        campaigns_run(
            account=account,
            owner=users["demo"],
            sender=sender,
            specs=campaign_specs(now=now, segments=segments, templates=templates),
            report=report,
        )
        self.stdout.write(
            self.style.SUCCESS("Demo data ready.")
            + " Log in at /accounts/login/ as demo / demo-pass-2026 (marketer) or "
            "viewer / viewer-pass-2026 (viewer); the Django admin at /admin/ as "
            "admin / admin-pass-2026."
        )
