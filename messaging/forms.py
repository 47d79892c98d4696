"""The senders page's form. Secrets are password boxes that never show the stored value."""

from decimal import Decimal

from django import forms
from django.conf import settings

from core.forms import StorableTextMixin
from messaging.models import SECRET_FIELDS, TIER_CHOICES, Sender
from messaging.services.senders import API_NAMES

FIELD_BY_API_NAME = {api: field for field, api in API_NAMES.items()}


class SenderForm(StorableTextMixin, forms.Form):
    channel = forms.ChoiceField(choices=Sender.Channel.choices)
    name = forms.CharField(max_length=200)
    phone_number_id = forms.CharField(
        label="Phone number id",
        max_length=64,
        required=False,
        help_text="WhatsApp: the phone number id from Meta. Others: leave blank for one of "
        "their own.",
    )
    display_phone_number = forms.CharField(
        label="Display phone number", max_length=32, required=False
    )
    api_base_url = forms.CharField(
        label="API base URL",
        max_length=200,
        required=False,
        help_text="Blank for the provider's public API. Email: smtp://user@host:port.",
    )
    account_sid = forms.CharField(label="Account SID (SMS)", max_length=64, required=False)
    from_address = forms.CharField(
        label="From (SMS number or email address)", max_length=254, required=False
    )
    messaging_service_sid = forms.CharField(
        label="Messaging Service SID (SMS)",
        max_length=34,
        required=False,
        help_text="Optional. When set, Twilio sends from the service's numbers instead of From.",
    )
    sms_segment_price = forms.DecimalField(
        label="Price per SMS segment",
        required=False,
        min_value=0,
        max_value=Decimal("999.99999"),
        max_digits=9,
        decimal_places=5,
        help_text="Optional. What one segment costs on this sender (see your Twilio pricing "
        "for its numbers' country); the message editor shows each message's cost with it.",
    )
    rate_limit_per_second = forms.IntegerField(
        label="Rate limit (messages per second)",
        min_value=0,
        max_value=10_000,
        initial=80,
        help_text="0 means no limit. The WhatsApp Cloud API allows 80 by default.",
    )
    messaging_limit = forms.ChoiceField(
        label="Messaging limit (WhatsApp)",
        choices=TIER_CHOICES,
        required=False,
        help_text="Unique users per 24 h that campaigns stay under. Leave “As WhatsApp says” "
        "unless the Cloud API cannot tell this number's tier.",
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)
    simulate_statuses = forms.BooleanField(
        label="Simulate delivery statuses (sandbox)", required=False
    )
    access_token = forms.CharField(label="Access token (WhatsApp)", required=False)
    app_secret = forms.CharField(label="App secret (WhatsApp)", required=False)
    verify_token = forms.CharField(label="Webhook verify token (WhatsApp)", required=False)
    auth_token = forms.CharField(label="Auth token (SMS)", required=False)
    smtp_password = forms.CharField(label="SMTP password (email)", required=False)

    def __init__(self, *args, sender: Sender | None = None, **kwargs):
        if sender is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(sender, name)
                for name in self.base_fields
                if name not in SECRET_FIELDS
            }
        super().__init__(*args, **kwargs)
        price = self.fields["sms_segment_price"]
        price.label = f"{price.label} ({settings.SMS_PRICE_CURRENCY})"
        for name in SECRET_FIELDS:
            field = self.fields[name]
            field.widget = forms.PasswordInput(
                render_value=False, attrs={"autocomplete": "new-password"}
            )
            stored = sender is not None and bool(getattr(sender, name))
            field.help_text = "Stored. Leave blank to keep it." if stored else "Not set."

    def add_problems(self, problems: list[dict]) -> None:
        """Put a service's ``[{field, message}]`` (API names) on the matching inputs."""
        for problem in problems:
            field = FIELD_BY_API_NAME.get(problem.get("field", ""))
            self.add_error(field if field in self.fields else None, problem["message"])
