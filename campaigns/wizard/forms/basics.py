"""Step 1: the campaign's name, description and type."""

from django import forms
from django.conf import settings

from campaigns.models import Campaign
from campaigns.wizard.forms.base import StepForm


class BasicsForm(StepForm):
    name = forms.CharField(max_length=200, help_text="Only your team sees this name.")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=settings.TEXT_MAX_LENGTH,
    )
    type = forms.ChoiceField(
        choices=Campaign.Type.choices, widget=forms.RadioSelect, initial=Campaign.Type.BROADCAST
    )

    TIPS = {
        Campaign.Type.BROADCAST: "One message to an audience, now or at a set time. "
        "Best for announcements, sales and news.",
        Campaign.Type.DRIP: "A sequence of messages spaced over days or weeks, "
        "for onboarding and nurturing. You can build and save it now; sending "
        "sequences is not available yet.",
        Campaign.Type.AUTOMATION: "Messages triggered by what a contact does "
        "(a tag added, an action, a date). You can build and save it now; running "
        "automations is not available yet.",
        Campaign.Type.AB_TEST: "Try two or more versions on a slice of the audience; "
        "the winner goes to everyone else.",
    }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the campaign a name.")
        taken = Campaign.objects.for_account(self.account).filter(name__iexact=name)
        if self.campaign is not None:
            taken = taken.exclude(pk=self.campaign.pk)
        if taken.exists():
            raise forms.ValidationError("Another campaign already has this name.")
        return name

    def to_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["ab_enabled"] = data["type"] == Campaign.Type.AB_TEST
        data["automation_enabled"] = data["type"] == Campaign.Type.AUTOMATION
        return data
