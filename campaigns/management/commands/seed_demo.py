"""``manage.py seed_demo``: the demo store that ``make run`` opens on.

Idempotent: every piece is looked up by its natural key first, and the contacts are written only
when the demo account has none, so a second run adds nothing and takes well under a second.
Contacts and their tag links go in with ``bulk_create`` (a few queries for the thousand), and
the data are drawn from a fixed seed so every install shows the same store.

Campaigns are never given a status by hand: each is written as a draft, then published,
paused or left as it is through ``campaigns.services.control``, with the send pipeline running
inline against the sandbox sender and its status playback applied at once. So every figure
the demo shows (sent, delivered, read, failed, the error log) is one the product produced, and
it holds nothing the product cannot do yet: no clicks, conversions or revenue, no running
journeys.
"""

import ast
import logging
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import phonenumbers
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Account, Membership, Role
from audience.models import AttributeDefinition, Contact, Segment, Tag
from audience.services.segments import campaign_refresh_reach, segment_recount
from campaigns.models import AutomationTrigger, Campaign, Variant, WorkflowStep
from campaigns.services import lifecycle
from delivery import control
from messaging.models import Sender
from templates_app.models import MessageTemplate

DEMO_SLUG = "demo"
CONTACT_COUNT = 1000
SEED = 2026

# (username, password, role, staff and superuser)
LOGINS = (
    ("demo", "demo-pass-2026", Role.MARKETER, False),
    ("admin", "admin-pass-2026", Role.OWNER, True),
    ("viewer", "viewer-pass-2026", Role.VIEWER, False),
)


@dataclass(frozen=True)
class Place:
    country: str
    city: str
    timezone: str
    prefix: str  # E.164 start; random digits fill the rest
    length: int  # length of the E.164 string, "+" included
    weight: int


# Mobile ranges checked with phonenumbers (each generated number is validated again below).
# US numbers use the 555 exchange, which is kept for fiction, so no real person gets a message.
PLACES = (
    Place("US", "New York", "America/New_York", "+1212555", 12, 90),
    Place("US", "Chicago", "America/Chicago", "+1312555", 12, 50),
    Place("US", "Denver", "America/Denver", "+1303555", 12, 25),
    Place("US", "San Francisco", "America/Los_Angeles", "+1415555", 12, 55),
    Place("GB", "London", "Europe/London", "+447700", 13, 110),
    Place("GB", "Manchester", "Europe/London", "+447700", 13, 40),
    Place("FR", "Paris", "Europe/Paris", "+336", 12, 70),
    Place("FR", "Lyon", "Europe/Paris", "+336", 12, 25),
    Place("DE", "Berlin", "Europe/Berlin", "+49151", 14, 55),
    Place("DE", "Munich", "Europe/Berlin", "+49151", 14, 30),
    Place("ES", "Madrid", "Europe/Madrid", "+346", 12, 35),
    Place("IN", "Mumbai", "Asia/Kolkata", "+9198", 13, 60),
    Place("IN", "Bengaluru", "Asia/Kolkata", "+9198", 13, 40),
    Place("BR", "São Paulo", "America/Sao_Paulo", "+55119", 14, 60),
    Place("MX", "Mexico City", "America/Mexico_City", "+5255", 13, 45),
    Place("ZA", "Johannesburg", "Africa/Johannesburg", "+2782", 12, 30),
    Place("ZA", "Cape Town", "Africa/Johannesburg", "+2782", 12, 20),
    Place("AE", "Dubai", "Asia/Dubai", "+97150", 13, 35),
    Place("AU", "Sydney", "Australia/Sydney", "+614", 12, 35),
    Place("JP", "Tokyo", "Asia/Tokyo", "+8190", 13, 25),
    Place("SG", "Singapore", "Asia/Singapore", "+658", 11, 20),
    Place("NG", "Lagos", "Africa/Lagos", "+234803", 14, 25),
)

FIRST_NAMES = {
    "US": ["James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Mason", "Sophia", "Ethan", "Mia"],
    "GB": ["Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Lily", "Arthur", "Ivy"],
    "FR": ["Louis", "Jade", "Gabriel", "Louise", "Léo", "Emma", "Raphaël", "Alice", "Hugo", "Lina"],
    "DE": ["Ben", "Emilia", "Paul", "Hannah", "Finn", "Mia", "Leon", "Sofia", "Noah", "Lea"],
    "ES": [
        "Hugo",
        "Lucía",
        "Martín",
        "Sofía",
        "Pablo",
        "Martina",
        "Mateo",
        "Julia",
        "Leo",
        "Paula",
    ],
    "IN": [
        "Aarav",
        "Diya",
        "Vivaan",
        "Ananya",
        "Aditya",
        "Isha",
        "Arjun",
        "Saanvi",
        "Rohan",
        "Kavya",
    ],
    "BR": [
        "Miguel",
        "Helena",
        "Arthur",
        "Alice",
        "Heitor",
        "Laura",
        "Davi",
        "Manuela",
        "Théo",
        "Valentina",
    ],
    "MX": [
        "Santiago",
        "Sofía",
        "Mateo",
        "Regina",
        "Sebastián",
        "Valentina",
        "Diego",
        "Camila",
        "Emiliano",
        "Ximena",
    ],
    "ZA": [
        "Thabo",
        "Naledi",
        "Sipho",
        "Lerato",
        "Liam",
        "Amahle",
        "Kagiso",
        "Zanele",
        "Ethan",
        "Palesa",
    ],
    "AE": [
        "Mohammed",
        "Fatima",
        "Omar",
        "Mariam",
        "Ahmed",
        "Aisha",
        "Khalid",
        "Noura",
        "Saeed",
        "Layla",
    ],
    "AU": ["Oliver", "Charlotte", "Jack", "Olivia", "William", "Mia", "Noah", "Isla", "Leo", "Ava"],
    "JP": ["Haruto", "Yui", "Sota", "Hina", "Yuto", "Aoi", "Riku", "Sakura", "Ren", "Mei"],
    "SG": ["Ethan", "Chloe", "Ryan", "Sophie", "Lucas", "Emma", "Aiden", "Hannah", "Jayden", "Zoe"],
    "NG": [
        "Chinedu",
        "Ngozi",
        "Emeka",
        "Amaka",
        "Tunde",
        "Funmi",
        "Ifeanyi",
        "Chioma",
        "Segun",
        "Aisha",
    ],
}
LAST_NAMES = {
    "US": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis"],
    "GB": ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas"],
    "FR": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"],
    "DE": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"],
    "ES": ["García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez"],
    "IN": ["Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair"],
    "BR": ["Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Almeida"],
    "MX": ["Hernández", "García", "Martínez", "López", "González", "Pérez", "Sánchez", "Ramírez"],
    "ZA": ["Nkosi", "Dlamini", "Naidoo", "Botha", "Mokoena", "van der Merwe", "Khumalo", "Smith"],
    "AE": ["Al Mansouri", "Al Nahyan", "Al Maktoum", "Al Hashimi", "Al Suwaidi", "Al Falasi"],
    "AU": ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Martin"],
    "JP": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura"],
    "SG": ["Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua"],
    "NG": ["Okafor", "Adeyemi", "Eze", "Bello", "Okonkwo", "Adebayo", "Nwosu", "Ibrahim"],
}

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


def _rule(field: str, operator: str, value) -> dict:
    return {"field": field, "operator": operator, "value": value}


SEGMENTS = (
    (
        "UK customers",
        "Customers with a British number.",
        {
            "op": "and",
            "rules": [_rule("country", "eq", "GB"), _rule("tags", "has_any", ["customer"])],
        },
    ),
    (
        "VIP big spenders",
        "VIPs who have spent at least 500.",
        {
            "op": "and",
            "rules": [
                _rule("attributes.vip", "eq", True),
                _rule("attributes.lifetime_value", "gte", 500),
            ],
        },
    ),
    (
        "Recent sign-ups",
        "Signed up in the last 90 days.",
        {"op": "and", "rules": [_rule("attributes.signup_date", "within_last_days", 90)]},
    ),
    (
        "Americas",
        "Contacts in North and South America.",
        {"op": "and", "rules": [_rule("country", "in", ["US", "MX", "BR"])]},
    ),
    (
        "Europe newsletter readers",
        "European contacts who read the newsletter or live in Paris.",
        {
            "op": "and",
            "rules": [
                _rule("country", "in", ["GB", "FR", "DE", "ES"]),
                {
                    "op": "or",
                    "rules": [
                        _rule("tags", "has_any", ["newsletter"]),
                        _rule("attributes.city", "eq", "Paris"),
                    ],
                },
            ],
        },
    ),
)

TEMPLATES = (
    {
        "name": "order_confirmation",
        "category": MessageTemplate.Category.UTILITY,
        "status": MessageTemplate.Status.APPROVED,
        "body": "Hi {{1}}, thanks for your order {{2}}! We will let you know when it ships.",
        "footer": "Demo Store",
        "variables": [{"name": "1", "example": "Ada"}, {"name": "2", "example": "#10423"}],
    },
    {
        "name": "spring_sale",
        "category": MessageTemplate.Category.MARKETING,
        "status": MessageTemplate.Status.APPROVED,
        "header_type": MessageTemplate.HeaderType.TEXT,
        "header_text": "Spring sale 🌷",
        "body": "Hi {{1}}, our spring sale is on: {{2}} off everything until Sunday.",
        "footer": "Reply STOP to unsubscribe",
        "buttons": [
            {"type": "url", "text": "Shop now", "value": "https://shop.example.com/spring"},
            {"type": "quickreply", "text": "Not interested", "value": "stop"},
        ],
        "variables": [{"name": "1", "example": "Ada"}, {"name": "2", "example": "20%"}],
    },
    {
        "name": "verification_code",
        "category": MessageTemplate.Category.AUTHENTICATION,
        "status": MessageTemplate.Status.APPROVED,
        "body": "{{1}} is your Demo Store verification code. It expires in 10 minutes.",
        "variables": [{"name": "1", "example": "483920"}],
    },
    {
        "name": "winter_preview",
        "category": MessageTemplate.Category.MARKETING,
        "status": MessageTemplate.Status.PENDING,
        "body": "Hi {{1}}, be the first to see our winter collection.",
        "buttons": [{"type": "url", "text": "Preview", "value": "https://shop.example.com/winter"}],
        "variables": [{"name": "1", "example": "Ada"}],
    },
    {
        "name": "loyalty_points",
        "category": MessageTemplate.Category.MARKETING,
        "status": MessageTemplate.Status.PENDING,
        "body": "Hi {{1}}, you have {{2}} loyalty points waiting. Use them before they expire!",
        "variables": [{"name": "1", "example": "Ada"}, {"name": "2", "example": "1,250"}],
    },
)


class Command(BaseCommand):
    help = "Load the demo store (account 'demo'), idempotently."

    def handle(self, *args, **options):
        self.now = timezone.now()
        self.rng = random.Random(SEED)
        with transaction.atomic():
            account, created = Account.objects.get_or_create(
                slug=DEMO_SLUG,
                defaults={
                    "name": "Demo Store",
                    "timezone": "Europe/London",
                    "currency": "USD",
                    "default_phone_region": "GB",
                },
            )
            self._say("account", "demo (Demo Store)", created)
            users = self._logins(account)
            self._attributes(account)
            tags = self._tags(account)
            self._contacts(account, tags)
            segments = self._segments(account, users["demo"])
            templates = self._templates(account)
            sender = self._sender(account)
        # Outside the transaction above: each campaign step commits, and the pipeline that
        # runs after a commit sees the contacts.
        self._campaigns(account, users["demo"], sender, segments, templates)
        self.stdout.write(
            self.style.SUCCESS("Demo data ready.")
            + " Log in at /accounts/login/ as demo / demo-pass-2026 (marketer) or "
            "viewer / viewer-pass-2026 (viewer); the Django admin at /admin/ as "
            "admin / admin-pass-2026."
        )

    def _say(self, what: str, detail: str, created: bool | int) -> None:
        if created is True:
            state = "created"
        elif created is False or created == 0:
            state = "already there"
        else:
            state = f"{created} created"
        self.stdout.write(f"  {what:<17} {detail}: {state}")

    # -- people --------------------------------------------------------------------------

    def _logins(self, account: Account) -> dict:
        User = get_user_model()
        users, made = {}, 0
        for username, password, role, staff in LOGINS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username=username,
                    password=password,
                    email=f"{username}@demo.example.com",
                    is_staff=staff,
                    is_superuser=staff,
                )
                made += 1
            Membership.objects.get_or_create(user=user, account=account, defaults={"role": role})
            users[username] = user
        self._say("logins", "demo, viewer, admin", made)
        return users

    def _attributes(self, account: Account) -> None:
        made = 0
        for key, label, kind in ATTRIBUTES:
            _, created = AttributeDefinition.objects.get_or_create(
                account=account, key=key, defaults={"label": label, "type": kind}
            )
            made += created
        self._say("attributes", ", ".join(a[0] for a in ATTRIBUTES), made)

    def _tags(self, account: Account) -> dict[str, Tag]:
        names = [name for name, _ in TAGS] + [VIP_TAG]
        existing = set(Tag.objects.for_account(account).values_list("name", flat=True))
        missing = [Tag(account=account, name=name) for name in names if name not in existing]
        Tag.objects.bulk_create(missing)
        self._say("tags", ", ".join(names), len(missing))
        return {t.name: t for t in Tag.objects.for_account(account)}

    def _contacts(self, account: Account, tags: dict[str, Tag]) -> None:
        if Contact.objects.for_account(account).exists():
            self._say("contacts", f"{Contact.objects.for_account(account).count()}", False)
            return
        rng = self.rng
        places = rng.choices(PLACES, weights=[p.weight for p in PLACES], k=CONTACT_COUNT)
        phones: set[str] = set()
        contacts, tag_names = [], []
        for n, place in enumerate(places):
            phone = self._phone(place, phones)
            first = rng.choice(FIRST_NAMES[place.country])
            last = rng.choice(LAST_NAMES[place.country])
            signup = self.now.date() - timedelta(days=rng.randint(1, 730))
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
                    unsubscribed_at=None
                    if subscribed
                    else self.now - timedelta(days=rng.randint(1, 120)),
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
        self._say(
            "contacts",
            f"{len(created)} in {len({p.country for p in PLACES})} countries, "
            f"{unsubscribed} unsubscribed, {len(links)} tag links",
            len(created),
        )

    def _phone(self, place: Place, taken: set[str]) -> str:
        for _ in range(1000):
            digits = "".join(
                str(self.rng.randint(0, 9)) for _ in range(place.length - len(place.prefix))
            )
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

    # -- content ---------------------------------------------------------------------------

    def _segments(self, account: Account, owner) -> dict[str, Segment]:
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
        self._say("segments", f"{len(SEGMENTS)} segments", made)
        return segments

    def _templates(self, account: Account) -> dict[str, MessageTemplate]:
        made = 0
        templates = {}
        for spec in TEMPLATES:
            fields = dict(spec)
            name = fields.pop("name")
            template, created = MessageTemplate.objects.get_or_create(
                account=account, name=name, language="en", defaults=fields
            )
            templates[name] = template
            made += created
        self._say("templates", f"{len(TEMPLATES)} message templates", made)
        return templates

    def _sender(self, account: Account) -> Sender:
        sender, created = Sender.objects.get_or_create(
            account=account,
            phone_number_id="demo-sandbox",
            defaults={
                "name": "Demo sandbox",
                "channel": Sender.Channel.SANDBOX,
                "display_phone_number": "+1 555 0100",
                # The sandbox has no provider limit to respect; a high rate keeps seeding quick.
                "rate_limit_per_second": 1000,
                # Plays back delivered / read / failed statuses, so a send shows a whole life.
                "simulate_statuses": True,
            },
        )
        self._say("sender", "Demo sandbox (sandbox channel)", created)
        return sender

    # -- campaigns -------------------------------------------------------------------------

    def _campaigns(self, account, owner, sender, segments, templates) -> None:
        """Each campaign is written as a draft, then taken where it stands through the same
        control service and pipeline a marketer's clicks use, inline, against the sandbox."""
        made = 0
        for spec in self._campaign_specs(segments, templates):
            if Campaign.objects.for_account(account).filter(name=spec["name"]).exists():
                continue
            self._campaign(account, owner, sender, spec)
            made += 1
        self._say("campaigns", "sent through the sandbox", made)
        played = _sandbox_statuses_play_back()
        if played:
            self.stdout.write(f"  {'statuses':<17} {played} delivered / read / failed played back")

    def _campaign(self, account, owner, sender, spec: dict) -> Campaign:
        spec = dict(spec)
        segments = spec.pop("segments", [])
        variants = spec.pop("variants", [])
        steps = spec.pop("steps", [])
        triggers = spec.pop("triggers", [])
        then = spec.pop("then", [])
        with transaction.atomic():
            campaign = Campaign.objects.create(
                account=account, sender=sender, created_by=owner, **spec
            )
            campaign.segments.set(segments)
            Variant.objects.bulk_create(Variant(campaign=campaign, **v) for v in variants)
            WorkflowStep.objects.bulk_create(
                WorkflowStep(campaign=campaign, position=i, **s) for i, s in enumerate(steps)
            )
            AutomationTrigger.objects.bulk_create(
                AutomationTrigger(campaign=campaign, **t) for t in triggers
            )
            lifecycle.record(campaign=campaign, actor=owner, action="create", source="seed_demo")
            campaign_refresh_reach(campaign=campaign)
        # Each step commits on its own, so the pipeline runs inline right after it (without
        # django-q's line per task in the command's output).
        with override_settings(CAMPAIGNS_TASKS_SYNC=True), _quiet("django-q"):
            for step, options in then:
                getattr(control, step)(campaign=campaign, actor=owner, **options)
        campaign.refresh_from_db()
        return campaign

    def _campaign_specs(self, segments, templates) -> list[dict]:
        now = self.now
        day = timedelta(days=1)
        text = Campaign.MessageType.TEXT
        greeting = "Hi {{first_name}}, "
        return [
            {
                "name": "Spring sale announcement",
                "description": "Storewide spring sale, sent to everyone subscribed.",
                "type": Campaign.Type.BROADCAST,
                "message_type": Campaign.MessageType.TEMPLATE,
                "template": templates["spring_sale"],
                "message_variables": ["first_name", "discount"],
                "personalization": {
                    "variables": {
                        "1": {"source": "field", "value": "first_name", "fallback": "there"},
                        "2": {"source": "text", "value": "20%"},
                    }
                },
                "then": [("campaign_publish", {})],
            },
            {
                "name": "Free shipping vs 10% off",
                "description": "A/B test of two offers to the Americas; compare the variants.",
                "type": Campaign.Type.AB_TEST,
                "ab_enabled": True,
                "winner_criteria": Campaign.WinnerCriteria.ENGAGEMENT,
                "audience_type": Campaign.AudienceType.SEGMENT,
                "segments": [segments["Americas"]],
                "message_type": text,
                "message_content": greeting + "free shipping on every order this week.",
                "variants": [
                    _variant("A", "Free shipping", "Free shipping on every order!", 50),
                    _variant("B", "10% off", "Take 10% off your next order!", 50),
                ],
                "then": [("campaign_publish", {})],
            },
            {
                # Contacts span 19 hours of time zones, so at any hour some are in their quiet
                # hours: they wait for 08:00 their time while the others get it now.
                "name": "Weekend flash sale",
                "description": "Sent now, except where it is night: there it waits for 08:00.",
                "type": Campaign.Type.BROADCAST,
                "message_content": greeting + "our flash sale ends Sunday at midnight. 🛍️",
                "buttons": [
                    {"type": "url", "text": "Shop the sale", "value": "https://shop.example.com"}
                ],
                "message_type": Campaign.MessageType.INTERACTIVE,
                "timezone": "Europe/London",
                "quiet_hours_start": time(21, 0),
                "quiet_hours_end": time(8, 0),
                "then": [("campaign_publish", {})],
            },
            {
                "name": "Black Friday early access",
                "description": "Early access for VIPs, delivered at 9:00 in each contact's time.",
                "type": Campaign.Type.BROADCAST,
                "audience_type": Campaign.AudienceType.CUSTOM,
                "custom_filters": {
                    "op": "and",
                    "rules": [_rule("attributes.vip", "eq", True)],
                },
                "message_type": text,
                "message_content": greeting + "Black Friday starts early for you. 🎁",
                "send_now": False,
                "start_date": now + 7 * day,
                "timezone": "Europe/London",
                "delivery_time": time(9, 0),
                "local_time_delivery": True,
                "quiet_hours_start": time(21, 0),
                "quiet_hours_end": time(8, 0),
                "then": [("campaign_publish", {})],
            },
            {
                "name": "UK loyalty thank-you",
                "description": "Scheduled for next week, then paused by the team.",
                "type": Campaign.Type.BROADCAST,
                "audience_type": Campaign.AudienceType.SEGMENT,
                "segments": [segments["UK customers"]],
                "message_type": text,
                "message_content": greeting + "thank you for shopping with us this year. 💙",
                "send_now": False,
                "start_date": now + 6 * day,
                "timezone": "Europe/London",
                "then": [
                    ("campaign_publish", {}),
                    ("campaign_pause", {"reason": "Paused while the wording is checked."}),
                ],
            },
            {
                "name": "New arrivals",
                "description": "Draft: this week's new products.",
                "type": Campaign.Type.BROADCAST,
                "message_type": Campaign.MessageType.MEDIA,
                "message_content": "New this week 👀",
                "media_urls": ["https://shop.example.com/media/new-arrivals.jpg"],
            },
            {
                "name": "Welcome series",
                "description": "Draft drip: three messages over the first week after sign-up.",
                "type": Campaign.Type.DRIP,
                "audience_type": Campaign.AudienceType.SEGMENT,
                "segments": [segments["Recent sign-ups"]],
                "message_type": text,
                "message_content": greeting + "welcome to Demo Store!",
                "steps": [
                    _step("welcome", 0, greeting + "welcome to Demo Store!"),
                    _step("tips", 24, "Three ways to get the most from your account."),
                    _step(
                        "offer",
                        72,
                        "Here is 10% off your first order: WELCOME10",
                        [{"field": "tags", "operator": "has_none", "value": ["customer"]}],
                    ),
                ],
            },
            {
                "name": "Cart abandonment",
                "description": "Draft automation: reminds shoppers who left items in their cart.",
                "type": Campaign.Type.AUTOMATION,
                "automation_enabled": True,
                "message_type": text,
                "message_content": greeting + "you left something in your cart.",
                "triggers": [
                    {
                        "type": AutomationTrigger.Type.USER_ACTION,
                        "condition": {"event": "cart_abandoned"},
                    }
                ],
                "steps": [
                    _step("reminder", 1, greeting + "your cart is waiting for you."),
                    _step("discount", 24, "Still thinking? Take 5% off with CART5."),
                ],
            },
            {
                "name": "Emoji in the opening line",
                "description": "Draft A/B test with three variants.",
                "type": Campaign.Type.AB_TEST,
                "ab_enabled": True,
                "winner_criteria": Campaign.WinnerCriteria.CLICKS,
                "message_type": text,
                "message_content": "New styles just landed.",
                "variants": [
                    _variant("A", "Plain", "New styles just landed.", 34),
                    _variant("B", "One emoji", "✨ New styles just landed.", 33),
                    _variant("C", "Two emoji", "✨👗 New styles just landed.", 33),
                ],
            },
        ]


@contextmanager
def _quiet(logger_name: str):
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
    from django_q.models import Schedule

    from messaging.services.sandbox import sandbox_statuses_emit

    applied = 0
    rows = Schedule.objects.filter(func="messaging.tasks.sandbox_statuses_emit").order_by(
        "next_run"
    )
    for schedule in rows:
        message_pks, stage = ast.literal_eval(schedule.args)
        applied += sandbox_statuses_emit(message_pks=message_pks, stage=stage).applied
        schedule.delete()
    return applied


def _step(step_id: str, delay_hours: int, content: str, conditions=None) -> dict:
    return {
        "step_id": step_id,
        "delay_hours": delay_hours,
        "message": {"type": "text", "content": content},
        "conditions": conditions or [],
    }


def _variant(key: str, name: str, content: str, split: int) -> dict:
    return {
        "key": key,
        "name": name,
        "message": {"type": "text", "content": content},
        "split_percentage": split,
    }
