"""What every step's form shares: the account that scopes its choices, the draft, ``to_data()``."""

from django import forms

from core.forms import StorableTextMixin


class StepForm(StorableTextMixin, forms.Form):
    def __init__(self, *args, account, campaign=None, **kwargs):
        self.account = account
        self.campaign = campaign
        super().__init__(*args, **kwargs)

    def to_data(self) -> dict:
        return dict(self.cleaned_data)
