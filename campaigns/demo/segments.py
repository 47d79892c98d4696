"""The demo's saved segments: by country, tag, typed attribute and sign-up date, one nested."""

from django.contrib.auth.models import User

from accounts.models import Account
from audience.models import Segment
from audience.services.segments import segment_recount
from campaigns.demo.report import Report


def rule(field: str, operator: str, value: object) -> dict[str, object]:
    """One rule of a filter tree, as the builder writes it."""
    return {"field": field, "operator": operator, "value": value}


SEGMENTS = (
    (
        "UK customers",
        "Customers with a British number.",
        {
            "op": "and",
            "rules": [rule("country", "eq", "GB"), rule("tags", "has_any", ["customer"])],
        },
    ),
    (
        "VIP big spenders",
        "VIPs who have spent at least 500.",
        {
            "op": "and",
            "rules": [
                rule("attributes.vip", "eq", True),
                rule("attributes.lifetime_value", "gte", 500),
            ],
        },
    ),
    (
        "Recent sign-ups",
        "Signed up in the last 90 days.",
        {"op": "and", "rules": [rule("attributes.signup_date", "within_last_days", 90)]},
    ),
    (
        "Americas",
        "Contacts in North and South America.",
        {"op": "and", "rules": [rule("country", "in", ["US", "MX", "BR"])]},
    ),
    (
        "Europe newsletter readers",
        "European contacts who read the newsletter or live in Paris.",
        {
            "op": "and",
            "rules": [
                rule("country", "in", ["GB", "FR", "DE", "ES"]),
                {
                    "op": "or",
                    "rules": [
                        rule("tags", "has_any", ["newsletter"]),
                        rule("attributes.city", "eq", "Paris"),
                    ],
                },
            ],
        },
    ),
)


def segments_ensure(*, account: Account, owner: User, report: Report) -> dict[str, Segment]:
    """The demo's segments by name, each counted once."""
    made = 0
    segments = {}
    for name, description, filters in SEGMENTS:
        segment, created = Segment.objects.get_or_create(
            account=account,
            name=name,
            defaults={"description": description, "filters": filters, "created_by": owner},
        )
        segments[name] = segment
        made += created
        if segment.counted_at is None:
            segment_recount(segment=segment)
    report.piece("segments", f"{len(SEGMENTS)} segments", made)
    return segments
