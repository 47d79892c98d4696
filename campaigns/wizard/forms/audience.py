"""Step 2: who receives the campaign (segments, a filter tree, exclusions, a frequency cap)."""

import json
from typing import Any

from django import forms

from audience.models import Segment
from audience.selectors import contacts_matching
from campaigns.models import Campaign
from campaigns.wizard.forms.base import StepForm
from core.errors import ValidationFailed


class AudienceForm(StepForm):
    audience_type = forms.ChoiceField(
        label="Who receives it",
        choices=Campaign.AudienceType.choices,
        widget=forms.RadioSelect,
        initial=Campaign.AudienceType.ALL,
    )
    segments = forms.ModelMultipleChoiceField(
        queryset=Segment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Contacts in any of the chosen segments.",
    )
    # Rendered by the filter builder's include (audience/segments/_builder.html), which the
    # segment page shares: a JSON field that the rule editor writes.
    custom_filters = forms.CharField(
        required=False,
        widget=forms.Textarea,
        help_text="Build the filter with the rule editor.",
    )
    exclude_unsubscribed = forms.BooleanField(
        required=False, initial=True, label="Leave out contacts who unsubscribed"
    )
    exclude_suppressed = forms.BooleanField(
        required=False, initial=True, label="Leave out the suppression list"
    )
    exclude_segments = forms.ModelMultipleChoiceField(
        queryset=Segment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Leave out these segments",
    )
    frequency_cap_hours = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=24 * 90,
        label="Skip contacts messaged in the last … hours",
        help_text="Empty for no frequency cap.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        segments = Segment.objects.for_account(self.account).order_by("name")
        self.fields["segments"].queryset = segments
        self.fields["exclude_segments"].queryset = segments

    def clean_custom_filters(self) -> dict[str, Any]:
        raw = self.cleaned_data.get("custom_filters") or ""
        if not raw.strip():
            return {}
        try:
            tree = json.loads(raw)
        except ValueError:
            raise forms.ValidationError("The filter could not be read; rebuild it.") from None
        if not isinstance(tree, dict):
            raise forms.ValidationError("The filter must be a group of rules.")
        return tree

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        kind = cleaned.get("audience_type")
        if kind == Campaign.AudienceType.SEGMENT and not cleaned.get("segments"):
            self.add_error("segments", "Pick at least one segment.")
        if kind == Campaign.AudienceType.CUSTOM:
            tree = cleaned.get("custom_filters") or {}
            if not tree.get("rules"):
                self.add_error("custom_filters", "Add at least one rule.")
            else:
                problem = _filter_problem(tree, self.account)
                if problem:
                    self.add_error("custom_filters", problem)
        return cleaned

    def to_data(self) -> dict:
        data = self.cleaned_data
        return {
            "audience_type": data["audience_type"],
            "segment_ids": [s.pk for s in data["segments"]],
            "custom_filters": data["custom_filters"] or {},
            "exclude_unsubscribed": data["exclude_unsubscribed"],
            "exclude_suppressed": data["exclude_suppressed"],
            "exclude_segment_ids": [s.pk for s in data["exclude_segments"]],
            "frequency_cap_hours": data["frequency_cap_hours"],
        }


def _filter_problem(tree: dict, account) -> str:
    """The segmentation engine's verdict on a tree, as one sentence (empty when valid)."""
    try:
        contacts_matching(account=account, filters=tree)
    except ValidationFailed as exc:
        return exc.message
    return ""
