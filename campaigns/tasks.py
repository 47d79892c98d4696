"""django-q2 entry points of authoring: the periodic refresh of stale reach counts."""

from campaigns.services import reach


def reach_refresh() -> dict:
    return reach.counts_refresh_due()
