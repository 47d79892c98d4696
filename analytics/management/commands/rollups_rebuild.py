"""``manage.py rollups_rebuild [campaign ids]``: count campaigns' rollups again from their
events, e.g. after upgrading to the release that introduced them."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from analytics.models import Event
from analytics.rollup_writer import rollups_rebuild


class Command(BaseCommand):
    help = "Count campaigns' analytics rollups again from their events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign_ids", nargs="*", type=int, help="Default: every campaign.")

    def handle(self, *args: Any, campaign_ids: list[int], **options: Any) -> None:
        ids = campaign_ids or sorted(
            set(Event.objects.exclude(campaign=None).values_list("campaign_id", flat=True))
        )
        for campaign_id in ids:
            with transaction.atomic():
                n = rollups_rebuild(campaign_id)
            self.stdout.write(f"campaign {campaign_id}: {n} events counted")
