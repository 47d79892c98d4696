"""The message step's SMS counter: characters, encoding, segments and cost of the text as it
is typed (not yet saved), as an htmx fragment.

The counting is ``messaging.sms_segments``, the same module that ``validate_campaign`` and the
SMS adapter use, so the editor can never promise a count that the send disagrees with.
"""

from decimal import Decimal

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from accounts.request import AccountRequest
from campaigns.selectors import campaign_get
from core.errors import NotFound
from messaging.models import Sender
from messaging.sms_segments import BODY_MAX_LENGTH, body_length_problem, sms_count


def _money(amount: Decimal, places: int | None = None) -> str:
    if places is not None:
        return f"{amount.quantize(Decimal(1).scaleb(-places)):,f}"
    return f"{amount.normalize():,f}"


@require_POST
@member_required
def wizard_sms_count_view(request: AccountRequest, campaign_id: int) -> HttpResponse:
    """Nothing for a sender that is not SMS; else the count, and the cost when the sender has
    a price: per message, and for the draft's last counted reach."""
    try:
        draft = campaign_get(account=request.account, campaign_id=campaign_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    sender_id = request.POST.get("message-sender", "")
    sender = (
        Sender.objects.for_account(request.account)
        .filter(pk=sender_id, channel=Sender.Channel.SMS)
        .first()
        if sender_id.isdigit()
        else None
    )
    if sender is None:
        return HttpResponse("")
    text = request.POST.get("message-message_content", "")
    count = sms_count(text)
    context = {
        "count": count,
        "limit": BODY_MAX_LENGTH,
        "problem": body_length_problem(text),
        "currency": settings.SMS_PRICE_CURRENCY,
        "sender": sender,
        "price": None,
        "cost": None,
        "total": None,
        "reach": draft.estimated_reach,
    }
    price = sender.sms_segment_price
    cost = count.cost(price)
    if price is not None and cost is not None:
        context.update(price=_money(price), cost=_money(cost))
        if draft.estimated_reach:
            context["total"] = _money(cost * draft.estimated_reach, 2)
    return render(request, "campaigns/wizard/_sms_count.html", context)
