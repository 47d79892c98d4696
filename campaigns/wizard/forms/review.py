"""The last step: send (or schedule), or keep the draft."""

from django import forms

from campaigns.wizard.forms.base import StepForm


class ReviewForm(StepForm):
    action = forms.ChoiceField(
        choices=[("send", "Send or schedule"), ("draft", "Save as draft")], initial="send"
    )
