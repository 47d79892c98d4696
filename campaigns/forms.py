"""Forms of the campaign pages (the creation wizard's forms live in campaigns/wizard/)."""

from django import forms

from campaigns.models import Campaign
from core.forms import StorableTextMixin

SORT_CHOICES = [
    ("-created", "Newest first"),
    ("created", "Oldest first"),
    ("name", "Name A–Z"),
    ("-name", "Name Z–A"),
    ("-updated", "Recently updated"),
    ("start", "Start date, soonest"),
    ("-start", "Start date, latest"),
    ("status", "Status"),
    ("-sent", "Most sent"),
]


class CampaignFilterForm(StorableTextMixin, forms.Form):
    """The list's query string. A bad value is dropped, never an error page."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(
        required=False, choices=[("", "All statuses"), *Campaign.Status.choices]
    )
    type = forms.ChoiceField(required=False, choices=[("", "All types"), *Campaign.Type.choices])
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label="Sort by")
    view = forms.ChoiceField(
        required=False,
        choices=[("", "Campaigns"), ("deleted", "Deleted")],
        widget=forms.HiddenInput,
    )

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "status": data.get("status") or "",
            "type": data.get("type") or "",
            "sort": data.get("sort") or "-created",
            "deleted": data.get("view") == "deleted",
        }
