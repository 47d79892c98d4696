"""The API's shapes of a campaign's analytics report (``analytics.report.Report``).

Counts are integers; money (revenue, cost, values) and rates are JSON numbers, as in
``/stats``; rates are percentages (0-100) and ``roi`` a ratio ((revenue - cost) / cost).
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field, model_validator

from core.schemas import CamelSchema


class ReportQuery(Schema):
    since: dt.date | None = Field(None, description="First UTC day included (YYYY-MM-DD).")
    until: dt.date | None = Field(None, description="Last UTC day included (YYYY-MM-DD).")
    variant: str | None = Field(
        None, max_length=32, description="A variant's key; absent or empty: every variant."
    )

    @model_validator(mode="after")
    def _period_in_order(self) -> ReportQuery:
        if self.since and self.until and self.since > self.until:
            raise ValueError("since is after until: the period must start on or before its end")
        return self


class FunnelStageOut(CamelSchema):
    stage: str
    count: int
    of_previous: float
    of_recipients: float


class Figures(CamelSchema):
    sent: int = 0
    delivered: int = 0
    read: int = 0
    failed: int = 0
    clicked: int = Field(0, description="Recipients who clicked (first human click).")
    converted: int = Field(0, description="Recipients who converted.")


class HourOut(Figures):
    at: dt.datetime = Field(description="The hour's start, in the account's time zone.")
    clicks: int = Field(0, description="Every human click.")


class DayOut(Figures):
    day: dt.date = Field(description="A day in the account's time zone.")


class TimeseriesOut(CamelSchema):
    hourly: list[HourOut]
    daily: list[DayOut]


class HeatmapOut(CamelSchema):
    days: list[str]
    hours: list[int]
    read: list[list[int]] = Field(description="[weekday][hour] in each recipient's local time.")
    clicked: list[list[int]]
    delivered: list[list[int]]


class CountryOut(Figures):
    country: str = Field(description="ISO 3166-1 alpha-2; empty when unknown.")
    name: str
    iso3: str
    clicks: int = 0
    conversions: int = 0
    revenue: float = 0


class DeviceRowOut(CamelSchema):
    name: str
    clicks: int


class ByDeviceOut(CamelSchema):
    device: list[DeviceRowOut] = []
    os: list[DeviceRowOut] = []
    browser: list[DeviceRowOut] = []


class LinkOut(CamelSchema):
    link_id: int | None = None
    url: str = ""
    label: str = ""
    clicks: int = 0
    unique_clicks: int = 0
    ctr: float = 0


class ConversionOut(CamelSchema):
    event: str
    count: int
    unique: int
    value: float


class VariantOut(Figures):
    variant: str = Field(description="The variant's key; empty for recipients without one.")
    name: str
    recipients: int
    clicks: int = 0
    conversions: int = 0
    delivery_rate: float
    read_rate: float
    click_rate: float
    conversion_rate: float


class ReportFiltersOut(CamelSchema):
    since: dt.date | None = None
    until: dt.date | None = None
    variant: str | None = None


class CampaignReportOut(CamelSchema):
    campaign_id: int
    currency: str
    timezone: str
    filters: ReportFiltersOut
    funnel: list[FunnelStageOut]
    timeseries: TimeseriesOut
    heatmap: HeatmapOut
    by_country: list[CountryOut]
    by_device: ByDeviceOut
    links: list[LinkOut]
    conversions: list[ConversionOut]
    by_variant: list[VariantOut]
    cost: float | None = Field(
        description="The messages sent, by country, priced by the account's message price "
        "table (its starting estimates until it is edited)."
    )
    revenue: float
    roi: float | None = Field(description="(revenue - cost) / cost; null while cost is 0.")
    revenue_per_recipient: float | None
