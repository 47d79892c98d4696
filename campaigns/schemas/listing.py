"""The campaign list: its query (page, filters, sort) and its answer."""

from typing import Literal

from ninja import Schema
from pydantic import Field, field_validator

from campaigns.schemas.document_out import CampaignOut
from campaigns.schemas.fields import CampaignStatus, CampaignType
from campaigns.selectors import SORTS
from core.schemas import CamelSchema, PageNumber

SortKey = Literal[tuple(SORTS)]  # type: ignore[valid-type]


class CampaignListQuery(CamelSchema):
    page: PageNumber = 1
    page_size: int = Field(default=20, ge=1, le=100)
    status: CampaignStatus | None = None
    type: CampaignType | None = None
    q: str = Field(default="", max_length=200)
    sort: SortKey = "-created"  # type: ignore[valid-type]

    @field_validator("status", "type", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        return value or None


class CampaignListOut(Schema):
    items: list[CampaignOut]
    count: int
