"""The document's value types and formats, shared by what the API reads and what it answers."""

from datetime import time
from typing import Annotated, Literal

from pydantic import Field

from campaigns.validation import MAX_URL, MAX_VARIABLE, hh_mm_problem, link_problem
from templates_app.structure import BUTTON_TYPES

CampaignType = Literal["broadcast", "drip", "automation", "ab-test"]
CampaignStatus = Literal["draft", "scheduled", "running", "paused", "completed", "failed"]
AudienceType = Literal["all", "segment", "custom"]
MessageType = Literal["text", "template", "media", "interactive"]
ButtonType = Literal[BUTTON_TYPES]  # type: ignore[valid-type]
Frequency = Literal["once", "daily", "weekly", "monthly"]
WinnerCriteria = Literal["clicks", "conversions", "engagement"]
TriggerType = Literal["user_action", "tag_added", "date_based"]
VariableSource = Literal["field", "attribute", "text"]
BlockOperator = Literal["eq", "neq", "exists"]
Url = Annotated[str, Field(max_length=MAX_URL)]
VariableName = Annotated[str, Field(min_length=1, max_length=MAX_VARIABLE)]


def check_url(value: str | None) -> str:
    """Blank stays blank; anything else must be an absolute http(s) URL."""
    value = (value or "").strip()
    if problem := link_problem(value):
        raise ValueError(problem)
    return value


def check_hh_mm(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if problem := hh_mm_problem(value):
        raise ValueError(problem)
    return value


def parse_hh_mm(value: str | None) -> time | None:
    if not value:
        return None
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def format_hh_mm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None
