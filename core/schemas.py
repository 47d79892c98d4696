"""Shapes every API router shares: the camelCase base schema and bounded numbers.

Numbers are bounded where the database would otherwise fail: an id past PostgreSQL's bigint
or a page whose offset is past it answered a 500 (``page=99999999999999999999``). Bounded in
the schema, they are a 422 with the field's name, and the OpenAPI document says the range.
"""

import functools
from datetime import datetime
from typing import Annotated, Any, Generic, TypedDict, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from ninja import Path, Schema
from pydantic import AfterValidator, ConfigDict, Field, GetCoreSchemaHandler
from pydantic.alias_generators import to_camel
from pydantic.json_schema import GetJsonSchemaHandler, JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from core.error_codes import ErrorCode, error_codes_all

# The largest value of a bigint primary key (PostgreSQL's and SQLite's integer range).
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A row id in a path (``/segments/{segment_id}``): past bigint it is a 422, not a 500.
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageNumber = Annotated[
    int,
    Field(
        ge=1,
        le=settings.LIST_MAX_PAGE,
        description="1-based page; past the last page the list is empty.",
    ),
]

# Dates far enough from year 1 and 9999 that moving them to any time zone cannot overflow
# (``9999-12-31T23:00-05:00`` in UTC is past Python's last datetime: a 500 before).
MIN_YEAR, MAX_YEAR = 1900, 2999


def _moment(value: datetime) -> datetime:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"Give a date between the years {MIN_YEAR} and {MAX_YEAR}.")
    return value


Moment = Annotated[datetime, AfterValidator(_moment)]


class CamelSchema(Schema):
    """Python names in snake_case, JSON in the spec's camelCase (``abTest.winnerCriteria``)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


_Row = TypeVar("_Row")


class Page(TypedDict, Generic[_Row]):
    """One page of a list, as the API answers it (its schema is the list's ``…ListOut``)."""

    items: list[_Row]
    count: int


class PageQuery(CamelSchema):
    """``page`` and ``pageSize`` of a list that answers ``{items, count}``."""

    page: PageNumber = 1
    page_size: int = Field(default=50, ge=1, le=500)

    def of(self, queryset: QuerySet[Any, _Row]) -> Page[_Row]:
        """The page's rows and the total count, as every list of the API answers them."""
        start = (self.page - 1) * self.page_size
        return {"items": list(queryset[start : start + self.page_size]), "count": queryset.count()}


def free_text(max_length: int | None = None, **kwargs: Any) -> Any:
    """A free-text field capped at ``max_length`` (``TEXT_MAX_LENGTH`` by default), so the
    limit shows in the OpenAPI document and a longer text is a 422 with its field. Typed as
    pydantic types ``Field``: ``Any``, so it can be the default of a ``str`` attribute."""
    return Field(max_length=max_length or settings.TEXT_MAX_LENGTH, **kwargs)


@functools.cache
def _codes_by_value() -> dict[str, ErrorCode]:
    """Found once: the apps' enums are fixed once Django has started."""
    return {code.value: code for code in error_codes_all()}


def _error_code(value: object) -> ErrorCode:
    codes = _codes_by_value()
    if isinstance(value, str) and value in codes:
        return codes[value]
    raise ValueError(f"“{value}” is not an error code.")


class _EveryErrorCode:
    """The schema of an error answer's ``code``: one of every app's codes. The list is made
    when the OpenAPI document is, from the enums found then, because core cannot import the
    apps above it to write the union out."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _error_code, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "title": "ErrorCode",
            "description": "What went wrong, for programs; `detail` says it for a person.",
            "enum": sorted(_codes_by_value()),
        }


# A member of any app's ``ErrorCode`` enum (``<app>/error_codes.py``).
AnyErrorCode = Annotated[ErrorCode, _EveryErrorCode]
