"""The analytics filters: a period of UTC days and, on a campaign, a variant. One parser for
the pages, the exports' forms and the exports' API (``analytics.exports.filters``), so each
says the same thing about the same input."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from analytics.report import Filters
from campaigns.models import Campaign

# The variant value that means "recipients given no variant" (unless a variant is keyed "-").
# Empty or absent means every variant.
NO_VARIANT = "-"
DATE_INVALID = {"invalid": "Enter a date written YYYY-MM-DD."}
BACKWARDS = "The period starts after it ends: pick a “To” day on or after the “From” day."


class PeriodForm(forms.Form):
    since = forms.DateField(
        required=False,
        label="From",
        help_text="UTC day, included.",
        input_formats=["%Y-%m-%d"],
        error_messages=DATE_INVALID,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        required=False,
        label="To",
        help_text="UTC day, included.",
        input_formats=["%Y-%m-%d"],
        error_messages=DATE_INVALID,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", BACKWARDS)
        return data


class ReportFilterForm(PeriodForm):
    variant = forms.ChoiceField(
        required=False,
        label="Variant",
        error_messages={"invalid_choice": "This campaign has no variant “%(value)s”."},
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        variants = list(campaign.variants.all())
        self.keys = {v.key for v in variants}
        choices = [("", "All variants")]
        choices += [(v.key, f"{v.key} · {v.name}") for v in variants]
        if variants and NO_VARIANT not in self.keys:
            choices.append((NO_VARIANT, "Recipients without a variant"))
        cast(forms.ChoiceField, self.fields["variant"]).choices = choices

    def filters(self) -> Filters:
        """The report's filters from valid input; none where the input was refused."""
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        variant: str | None = data.get("variant") or None
        if variant == NO_VARIANT and NO_VARIANT not in self.keys:
            variant = ""
        return Filters(since=data.get("since"), until=data.get("until"), variant=variant)

    def problems(self) -> list[dict[str, str]]:
        """The refusals as the API's problems: one per field and message."""
        return [
            {"field": field, "message": str(message)}
            for field, messages in self.errors.items()
            for message in messages
        ]
