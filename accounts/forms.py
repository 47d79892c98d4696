from django import forms
from django.contrib.auth.forms import AuthenticationForm

from core.forms import StorableTextMixin

from .models import Account, Role


class LoginForm(AuthenticationForm):
    """Django's login form with the browser hints a password manager needs."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


# Keys act for a program, not a person: the owner role (which may one day manage members and
# billing) is never handed to one.
API_KEY_ROLES = [(r.value, r.label) for r in (Role.MANAGER, Role.MARKETER, Role.VIEWER)]


class ApiKeyCreateForm(StorableTextMixin, forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="Where the key is used, e.g. “Shop integration”.",
        widget=forms.TextInput(attrs={"placeholder": "Shop integration"}),
    )
    role = forms.ChoiceField(
        choices=API_KEY_ROLES,
        initial=Role.MANAGER,
        help_text="What the key may do: managers everything, marketers campaigns, viewers read.",
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the key a name.")
        return name


class AccountSwitchForm(StorableTextMixin, forms.Form):
    account = forms.IntegerField(min_value=1)


class AccountSettingsForm(forms.ModelForm):
    """The account's own settings a manager may change (attribution windows)."""

    class Meta:
        model = Account
        fields = ("click_window_days", "delivery_window_days")
        labels = {
            "click_window_days": "Click window (days)",
            "delivery_window_days": "Delivery window (days)",
        }
