"""A plain-Python reading of a campaign's event log: the reference the rollups, the report,
the API and the exports are tested against.

Deliberately naive: every event is loaded, each is looked at on its own, and the rules are
written again from the issue's words (a click is a human's when not flagged a bot; "clicked"
counts recipients, "clicks" counts clicks; the heatmap is in each recipient's own time zone),
not from the code under test.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from analytics.models import Event
from delivery.models import Recipient


@dataclass
class Truth:
    recipients: int
    sent: int = 0
    delivered: int = 0
    read: int = 0
    failed: int = 0
    clicks: int = 0
    bot_clicks: int = 0
    clicked: int = 0  # recipients whose first human click is in the period
    conversions: int = 0
    converted: int = 0  # recipients whose first conversion is in the period
    revenue: Decimal = Decimal("0")
    hourly: dict[dt.datetime, Counter] = field(default_factory=dict)
    daily: dict[dt.date, Counter] = field(default_factory=dict)
    heat_read: list[list[int]] = field(default_factory=list)
    heat_clicked: list[list[int]] = field(default_factory=list)
    countries: dict[str, Counter] = field(default_factory=dict)
    devices: Counter = field(default_factory=Counter)
    oses: Counter = field(default_factory=Counter)
    browsers: Counter = field(default_factory=Counter)
    links: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (clicks, unique)
    events: dict[str, tuple[int, Decimal]] = field(default_factory=dict)  # name -> (n, value)
    variants: dict[str, Counter] = field(default_factory=dict)


def truth(campaign, *, account_zone: str, since=None, until=None, variant=None) -> Truth:
    who = {
        r.pk: r
        for r in Recipient.objects.filter(campaign=campaign).select_related("contact", "variant")
    }
    local = ZoneInfo(account_zone)

    def keep(e: Event) -> bool:
        day = e.occurred_at.astimezone(dt.UTC).date()
        if since and day < since or until and day > until:
            return False
        key = who[e.recipient_id].variant.key if who[e.recipient_id].variant else ""
        return variant is None or key == variant

    every = list(Event.objects.filter(campaign=campaign).order_by("occurred_at", "pk"))
    # "clicked" and "converted" count recipients at their first human click (conversion):
    # a period counts the people it won, so days add up to the whole.
    first_click: dict[int, int] = {}
    first_conversion: dict[int, int] = {}
    for e in every:
        if e.type == "clicked" and not e.data.get("bot"):
            first_click.setdefault(e.recipient_id, e.pk)
        if e.type == "converted":
            first_conversion.setdefault(e.recipient_id, e.pk)
    events = [e for e in every if keep(e)]
    if variant is None:
        recipients = len(who)
    else:
        recipients = sum(1 for r in who.values() if (r.variant.key if r.variant else "") == variant)
    t = Truth(recipients=recipients)
    t.heat_read = [[0] * 24 for _ in range(7)]
    t.heat_clicked = [[0] * 24 for _ in range(7)]
    hourly: dict[dt.datetime, Counter] = defaultdict(Counter)
    daily: dict[dt.date, Counter] = defaultdict(Counter)
    countries: dict[str, Counter] = defaultdict(Counter)
    variants: dict[str, Counter] = defaultdict(Counter)
    clickers: dict[str, set] = defaultdict(set)
    converters: dict[str, set] = defaultdict(set)
    link_clicks: Counter = Counter()
    link_people: dict[int, set] = defaultdict(set)
    names: dict[str, list] = defaultdict(lambda: [0, Decimal("0")])
    for e in events:
        r = who[e.recipient_id]
        key = r.variant.key if r.variant else ""
        zone = ZoneInfo(r.contact.timezone or account_zone)
        hour = e.occurred_at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
        at_home = e.occurred_at.astimezone(zone)
        figure = None
        if e.type == "clicked":
            if e.data.get("bot"):
                t.bot_clicks += 1
                continue
            figure = "clicks"
            t.clicks += 1
            if first_click[r.pk] == e.pk:
                clickers[key].add(r.pk)
            link_clicks[e.data["link_id"]] += 1
            link_people[e.data["link_id"]].add(r.pk)
            t.devices[e.data["device"]] += 1
            t.oses[e.data["os"]] += 1
            t.browsers[e.data["browser"]] += 1
            t.heat_clicked[at_home.isoweekday() - 1][at_home.hour] += 1
        elif e.type == "converted":
            figure = "conversions"
            t.conversions += 1
            t.revenue += e.revenue or 0
            if first_conversion[r.pk] == e.pk:
                converters[key].add(r.pk)
            names[e.data["event"]][0] += 1
            names[e.data["event"]][1] += e.revenue or 0
        elif e.type in ("sent", "delivered", "read", "failed"):
            figure = e.type
            if e.type == "read":
                t.read += 1
                t.heat_read[at_home.isoweekday() - 1][at_home.hour] += 1
            if e.type == "failed" and e.data.get("was_delivered"):
                for bucket in (hourly[hour], daily[hour.astimezone(local).date()]):
                    bucket["delivered"] -= 1
                variants[key]["delivered"] -= 1
                countries[r.contact.country]["delivered"] -= 1
        if figure is None:
            continue
        hourly[hour][figure] += 1
        daily[hour.astimezone(local).date()][figure] += 1
        variants[key][figure] += 1
        country = (
            (e.data.get("country") or r.contact.country)
            if figure == "clicks"
            else r.contact.country
        )
        countries[country][figure] += 1
    t.sent = sum(v["sent"] for v in variants.values())
    t.delivered = sum(v["delivered"] for v in variants.values())
    t.failed = sum(v["failed"] for v in variants.values())
    t.clicked = sum(len(s) for s in clickers.values())
    t.converted = sum(len(s) for s in converters.values())
    for key, people in clickers.items():
        variants[key]["clicked"] = len(people)
    for key, people in converters.items():
        variants[key]["converted"] = len(people)
    t.hourly, t.daily, t.countries, t.variants = (
        dict(hourly),
        dict(daily),
        dict(countries),
        dict(variants),
    )
    t.links = {link: (n, len(link_people[link])) for link, n in link_clicks.items()}
    t.events = {name: (n, value) for name, (n, value) in names.items()}
    return t
