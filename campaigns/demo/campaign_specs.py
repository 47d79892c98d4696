"""The demo's campaigns as a marketer would write them: one of each type and of each state a
campaign can stand in (sent, A/B tested, running through quiet hours, scheduled, paused, drafts
of every type). ``runs`` takes each where it stands."""

from datetime import datetime, time, timedelta
from typing import Any

from audience.models import Segment
from campaigns.demo.segments import rule
from campaigns.models import AutomationTrigger, Campaign
from templates_app.models import MessageTemplate


def campaign_specs(
    *, now: datetime, segments: dict[str, Segment], templates: dict[str, MessageTemplate]
) -> list[dict[str, Any]]:
    """Each campaign's fields, plus what ``runs`` needs to finish it: its ``segments``,
    ``variants``, ``steps`` and ``triggers``, and ``then``, the control steps that take it
    from draft to where it stands (none: it stays a draft)."""
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
                "rules": [rule("attributes.vip", "eq", True)],
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


def _step(
    step_id: str, delay_hours: int, content: str, conditions: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "step_id": step_id,
        "delay_hours": delay_hours,
        "message": {"type": "text", "content": content},
        "conditions": conditions or [],
    }


def _variant(key: str, name: str, content: str, split: int) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "message": {"type": "text", "content": content},
        "split_percentage": split,
    }
