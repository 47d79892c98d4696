"""The demo's WhatsApp message templates: approved ones to send, pending ones to wait on."""

from typing import Any

from accounts.models import Account
from campaigns.demo.report import Report
from templates_app.models import MessageTemplate

TEMPLATES: tuple[dict[str, Any], ...] = (
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


def templates_ensure(*, account: Account, report: Report) -> dict[str, MessageTemplate]:
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
    report.piece("templates", f"{len(TEMPLATES)} message templates", made)
    return templates
