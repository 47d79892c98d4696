"""The API's JSON shapes for message templates (spec names, camelCase).

Inputs are loose on purpose (strings, lists): the service checks values, so the API and the
editor page report the same problems with the same field paths.
"""

from datetime import datetime

from ninja import Schema
from pydantic import Field

from templates_app.models import MessageTemplate
from templates_app.services import template_data


class HeaderIn(Schema):
    type: str | None = None
    text: str | None = None
    mediaUrl: str | None = None


class ButtonIn(Schema):
    type: str = ""
    text: str = ""
    value: str = ""


class VariableIn(Schema):
    name: str
    example: str = ""


class TemplateIn(Schema):
    name: str | None = None
    category: str | None = None
    language: str | None = None
    status: str | None = None
    header: HeaderIn | None = None
    body: str | None = None
    footer: str | None = None
    buttons: list[ButtonIn] | None = Field(default=None, max_length=50)
    variables: list[VariableIn] | None = Field(default=None, max_length=200)

    def as_data(self) -> dict:
        return self.model_dump(exclude_unset=True)


class ReviewIn(Schema):
    """The optional body of approve / reject: why (shown with the decision)."""

    note: str = Field(default="", max_length=1000)


class HeaderOut(Schema):
    type: str
    text: str
    mediaUrl: str


class ButtonOut(Schema):
    type: str
    text: str
    value: str


class VariableOut(Schema):
    name: str
    example: str


class TemplateOut(Schema):
    id: int
    name: str
    category: str
    language: str
    header: HeaderOut
    body: str
    footer: str
    buttons: list[ButtonOut]
    variables: list[VariableOut]
    status: str
    createdAt: datetime
    updatedAt: datetime


class TemplateListOut(Schema):
    items: list[TemplateOut]
    count: int


def template_out(template: MessageTemplate) -> dict:
    data = template_data(template)
    data["buttons"] = [
        {"type": b.get("type", ""), "text": b.get("text", ""), "value": b.get("value", "")}
        for b in data["buttons"]
        if isinstance(b, dict)
    ]
    data["variables"] = [
        {"name": str(v.get("name", "")), "example": str(v.get("example", ""))}
        for v in data["variables"]
        if isinstance(v, dict)
    ]
    return {
        "id": template.pk,
        **data,
        "createdAt": template.created_at,
        "updatedAt": template.updated_at,
    }
