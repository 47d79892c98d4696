"""``/api/campaigns/{campaignId}/validate`` and ``/preview``: the wizard's checks, as an API.

``validate`` answers the same ``validate_campaign`` result the wizard's review shows and
publish enforces; ``preview`` sends the rendered message to the account's test contacts
through the campaign's sender (the real adapters), and says what went to whom.
"""

from typing import Annotated

from ninja import Path, Router, Schema
from pydantic import Field

from accounts.request import AccountRequest
from campaigns.selectors import campaign_get
from campaigns.services.test_send import campaign_test_send
from campaigns.validation import validate_campaign
from core.api import errors, require_permission
from core.schemas import MAX_ID

router = Router(tags=["campaigns"])
CampaignId = Annotated[int, Path(alias="campaignId", ge=1, le=MAX_ID)]


class ProblemOut(Schema):
    field: str
    message: str


class ValidationOut(Schema):
    valid: bool
    problems: list[ProblemOut]


class TestSendOut(Schema):
    contact_id: int = Field(alias="contactId")
    to: str
    text: str
    ok: bool
    provider_message_id: str = Field(alias="providerMessageId")
    error: str


class PreviewOut(Schema):
    sent: int
    results: list[TestSendOut]


@router.post("/{campaignId}/validate", response={200: ValidationOut, **errors(404)})
def validate(request: AccountRequest, campaign_id: CampaignId) -> ValidationOut:
    """Every problem that would stop this campaign from being published, with its field."""
    campaign = campaign_get(account=request.account, campaign_id=campaign_id)
    result = validate_campaign(campaign=campaign)
    return ValidationOut(
        valid=result.valid, problems=[ProblemOut(**p.as_dict()) for p in result.problems]
    )


@router.post(
    "/{campaignId}/preview",
    response={200: PreviewOut, **errors(403, 404)},
    by_alias=True,
)
def preview(request: AccountRequest, campaign_id: CampaignId) -> dict[str, object]:
    """Send the message, rendered per contact, to the account's test contacts now."""
    require_permission(request, "send")
    campaign = campaign_get(account=request.account, campaign_id=campaign_id)
    results = campaign_test_send(campaign=campaign)
    # A dict, not a PreviewOut: ninja reads the answer again by the aliases (``contactId``),
    # which TestSendOut's attributes do not carry and its ``as_dict`` keys do.
    return {"sent": sum(r.ok for r in results), "results": [r.as_dict() for r in results]}
