"""The demo's audience: typed attributes, tags and a thousand contacts drawn from a fixed seed.

The contacts are written only when the account has none, in a few ``bulk_create`` queries.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

import phonenumbers

from accounts.models import Account
from audience.models import AttributeDefinition, Contact, Tag
from campaigns.demo.places import FIRST_NAMES, LAST_NAMES, PLACES, Place
from campaigns.demo.report import Report

CONTACT_COUNT = 1000
SEED = 2026

ATTRIBUTES = (
    ("city", "City", AttributeDefinition.Type.TEXT),
    ("lifetime_value", "Lifetime value", AttributeDefinition.Type.NUMBER),
    ("signup_date", "Signup date", AttributeDefinition.Type.DATE),
    ("vip", "VIP", AttributeDefinition.Type.BOOLEAN),
)

# (tag, share of contacts that carry it)
TAGS = (
    ("customer", 0.55),
    ("newsletter", 0.45),
    ("lead", 0.25),
    ("app-user", 0.3),
    ("black-friday-2025", 0.2),
    ("wholesale", 0.05),
)
VIP_TAG = "vip"  # carried by exactly the contacts whose ``vip`` attribute is true


def attributes_ensure(*, account: Account, report: Report) -> None:
    made = 0
    for key, label, kind in ATTRIBUTES:
        _, created = AttributeDefinition.objects.get_or_create(
            account=account, key=key, defaults={"label": label, "type": kind}
        )
        made += created
    report.piece("attributes", ", ".join(a[0] for a in ATTRIBUTES), made)


def tags_ensure(*, account: Account, report: Report) -> dict[str, Tag]:
    """Every tag of the account by name, the demo's among them."""
    names = [name for name, _ in TAGS] + [VIP_TAG]
    existing = set(Tag.objects.for_account(account).values_list("name", flat=True))
    missing = [Tag(account=account, name=name) for name in names if name not in existing]
    Tag.objects.bulk_create(missing)
    report.piece("tags", ", ".join(names), len(missing))
    return {t.name: t for t in Tag.objects.for_account(account)}


def contacts_ensure(
    *, account: Account, tags: dict[str, Tag], now: datetime, report: Report
) -> None:
    """``CONTACT_COUNT`` contacts with their tags, unless the account has contacts already."""
    if Contact.objects.for_account(account).exists():
        report.piece("contacts", f"{Contact.objects.for_account(account).count()}", False)
        return
    rng = random.Random(SEED)
    places = rng.choices(PLACES, weights=[p.weight for p in PLACES], k=CONTACT_COUNT)
    phones: set[str] = set()
    contacts, tag_names = [], []
    for n, place in enumerate(places):
        phone = _phone(rng, place, phones)
        first = rng.choice(FIRST_NAMES[place.country])
        last = rng.choice(LAST_NAMES[place.country])
        signup = now.date() - timedelta(days=rng.randint(1, 730))
        subscribed = rng.random() > 0.08
        vip = rng.random() < 0.12
        value = round(rng.lognormvariate(4.6, 1.0) * (3 if vip else 1), 2)
        local_part = f"{first}.{last}".lower().replace(" ", "")
        contacts.append(
            Contact(
                account=account,
                phone=phone,
                email=f"{local_part}.{n}@example.com" if rng.random() < 0.85 else "",
                first_name=first,
                last_name=last,
                timezone=place.timezone,
                country=place.country,
                attributes={
                    "city": place.city,
                    "lifetime_value": value,
                    "signup_date": signup.isoformat(),
                    "vip": vip,
                },
                subscribed=subscribed,
                unsubscribed_at=None if subscribed else now - timedelta(days=rng.randint(1, 120)),
            )
        )
        tag_names.append(
            [name for name, share in TAGS if rng.random() < share] + ([VIP_TAG] if vip else [])
        )
    created = Contact.objects.bulk_create(contacts, batch_size=500)
    # Sign-ups spread over two years, so growth charts and "joined" filters have a shape.
    for contact in created:
        signup = date.fromisoformat(contact.attributes["signup_date"])
        contact.created_at = datetime.combine(
            signup, time(rng.randint(7, 21), rng.randint(0, 59)), tzinfo=UTC
        )
    Contact.objects.bulk_update(created, ["created_at"], batch_size=500)
    links = [
        Contact.tags.through(contact_id=contact.pk, tag_id=tags[name].pk)
        for contact, names in zip(created, tag_names, strict=True)
        for name in names
    ]
    Contact.tags.through.objects.bulk_create(links, batch_size=1000)
    unsubscribed = sum(not c.subscribed for c in created)
    report.piece(
        "contacts",
        f"{len(created)} in {len({p.country for p in PLACES})} countries, "
        f"{unsubscribed} unsubscribed, {len(links)} tag links",
        len(created),
    )


def _phone(rng: random.Random, place: Place, taken: set[str]) -> str:
    for _ in range(1000):
        digits = "".join(str(rng.randint(0, 9)) for _ in range(place.length - len(place.prefix)))
        candidate = place.prefix + digits
        if candidate in taken:
            continue
        number = phonenumbers.parse(candidate)
        if (
            phonenumbers.is_valid_number(number)
            and phonenumbers.region_code_for_number(number) == place.country
        ):
            taken.add(candidate)
            return candidate
    raise RuntimeError(f"No valid number found in {place.prefix}…")  # pragma: no cover
