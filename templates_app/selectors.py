"""Reads of message templates that pages, the API and the wizard share; all account-scoped."""

from django.db.models import Count, Q, QuerySet

from accounts.models import Account
from core.errors import NotFound
from templates_app.models import MessageTemplate


def template_get(*, account: Account, template_id: int | str) -> MessageTemplate:
    """The account's template, or ``NotFound`` (also for another account's id)."""
    try:
        return MessageTemplate.objects.for_account(account).get(pk=int(template_id))
    except (MessageTemplate.DoesNotExist, ValueError, TypeError):
        raise NotFound("Template not found.") from None


def template_list(
    *,
    account: Account,
    q: str = "",
    status: str = "",
    category: str = "",
    with_usage: bool = False,
) -> QuerySet[MessageTemplate]:
    """Filtered templates by name; ``with_usage`` adds ``campaign_count`` in the same query."""
    qs: QuerySet[MessageTemplate] = MessageTemplate.objects.for_account(account)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(body__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if with_usage:
        qs = qs.annotate(campaign_count=Count("campaigns"))
    return qs.order_by("name", "language", "id")


def template_usage(*, template: MessageTemplate, limit: int = 5) -> tuple[int, list[str]]:
    """How many campaigns (deleted ones included) use the template, and a few of their names."""
    qs = template.campaigns.order_by("name")
    return qs.count(), list(qs.values_list("name", flat=True)[:limit])
