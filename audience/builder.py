"""What the filter builder offers (fields, segments, campaigns, tags), for every page that
shows it: the segment editor and the campaign wizard's "Custom filters" audience render the
same include (``audience/segments/_builder.html``) with this configuration."""

from accounts.models import Account
from audience import ports, selectors
from audience.filters.grammar import MAX_DEPTH, field_catalog
from audience.models import AttributeDefinition, Segment, Tag

MAX_CAMPAIGNS = 200
MAX_TAGS = 500


def builder_config(
    *, account: Account, exclude_segment: Segment | None = None
) -> dict[str, object]:
    """The catalogue the builder draws from, all of ``account``; ``exclude_segment`` is the
    segment being edited, which may not refer to itself."""
    definitions = AttributeDefinition.objects.for_account(account).order_by("key")
    segments = selectors.segment_list(account=account)
    if exclude_segment is not None:
        segments = segments.exclude(pk=exclude_segment.pk)
    directory = ports.campaign_directory.get()  # engagement rules name the account's campaigns
    return {
        "fields": field_catalog(definitions),
        "segments": [{"id": s.pk, "name": s.name} for s in segments],
        "campaigns": [
            {"id": pk, "name": name}
            for pk, name in directory.campaign_choices(account=account, limit=MAX_CAMPAIGNS)
        ],
        "tags": list(Tag.objects.for_account(account).values_list("name", flat=True)[:MAX_TAGS]),
        "maxDepth": MAX_DEPTH,
    }
