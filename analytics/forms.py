"""The analytics pages' filters: a period of UTC days and, on a campaign, a variant."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from analytics.report import Filters
from campaigns.models import Campaign


class PeriodForm(forms.Form):
    since = forms.DateField(
        required=False,
        label="From",
        help_text="UTC day, included.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        required=False,
        label="To",
        help_text="UTC day, included.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(
                "The period starts after it ends: pick a “From” day on or before the “To” day."
            )
        return data


class ReportFilterForm(PeriodForm):
    variant = forms.ChoiceField(required=False, label="Variant")

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "All variants")]
        choices += [(v.key, f"{v.key} · {v.name}") for v in campaign.variants.all()]
        cast(forms.ChoiceField, self.fields["variant"]).choices = choices

    def filters(self) -> Filters:
        """The report's filters from valid input; none where the input was refused."""
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            since=data.get("since"), until=data.get("until"), variant=data.get("variant") or None
        )
