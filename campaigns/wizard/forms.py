"""One form per wizard step. They validate input and shape it for ``campaigns.services.crud``.

Each form takes the account (every choice is scoped to it, so a tampered id is an invalid
choice, not a leak) and the draft campaign when there is one. ``to_data()`` turns cleaned data
into the model-field dict the crud service takes.
"""

import json
from datetime import datetime

from django import forms
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from audience.models import AttributeDefinition, Segment
from campaigns.models import AutomationTrigger, Campaign
from campaigns.validation import (
    BUTTON_TITLE_MAX,
    MAX_BUTTONS,
    MAX_TEXT_LENGTH,
    WHATSAPP_CHANNELS,
    button_row_problems,
    message_problems,
    syntax_problem,
)
from campaigns.wizard.fields import (
    CONTACT_FIELDS,
    MAGIC,
    MEDIA_KINDS,
    media_kind_for,
    time_zone_choices,
)
from core import urlguard
from core.forms import StorableTextMixin
from core.storage import PUBLIC_MEDIA_FOLDER, random_name
from core.uploads import size_text, upload_size_problem
from messaging.models import Sender
from messaging.sms_segments import body_length_problem
from templates_app.models import MessageTemplate


def _media_limit(kind: str) -> int:
    """The provider's limit for this kind of media, capped by MEDIA_UPLOAD_MAX_BYTES."""
    return min(MEDIA_KINDS[kind][2], settings.MEDIA_UPLOAD_MAX_BYTES)


BUTTON_TYPES = [("quickreply", "Quick reply"), ("url", "Open a URL"), ("call", "Call a number")]


class StepForm(StorableTextMixin, forms.Form):
    def __init__(self, *args, account, campaign=None, **kwargs):
        self.account = account
        self.campaign = campaign
        super().__init__(*args, **kwargs)

    def to_data(self) -> dict:
        return dict(self.cleaned_data)


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

    def clean_name(self):
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

    def clean_custom_filters(self):
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

    def clean(self):
        cleaned = super().clean()
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
    from audience.selectors import contacts_matching
    from core.errors import ValidationFailed

    try:
        contacts_matching(account=account, filters=tree)
    except ValidationFailed as exc:
        return exc.message
    return ""


class MessageForm(StepForm):
    sender = forms.ModelChoiceField(
        queryset=Sender.objects.none(), label="Send from", empty_label="Choose a sender…"
    )
    message_type = forms.ChoiceField(
        label="Message type", choices=Campaign.MessageType.choices, widget=forms.RadioSelect
    )
    template = forms.ModelChoiceField(
        queryset=MessageTemplate.objects.none(),
        required=False,
        label="Approved template",
        empty_label="No template",
    )
    subject = forms.CharField(
        label="Subject (e-mail)",
        required=False,
        max_length=255,
        help_text="E-mail senders only: the subject line. Variables such as {{first_name}} work.",
    )
    message_content = forms.CharField(
        label="Message",
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "data-variable-target": "1"}),
        help_text="Insert variables such as {{first_name}}; they are filled per contact.",
    )
    media_file = forms.FileField(required=False, label="Upload media")
    media_urls = forms.CharField(
        required=False,
        label="Media URLs",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One https:// address per line.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender"].queryset = Sender.objects.for_account(self.account).filter(
            is_active=True
        )
        self.fields["template"].queryset = MessageTemplate.objects.for_account(self.account).filter(
            status=MessageTemplate.Status.APPROVED
        )
        for i in range(MAX_BUTTONS):
            self.fields[f"button_{i}_type"] = forms.ChoiceField(
                label=f"Button {i + 1} type", choices=BUTTON_TYPES, required=False
            )
            self.fields[f"button_{i}_text"] = forms.CharField(
                label=f"Button {i + 1} text", max_length=BUTTON_TITLE_MAX, required=False
            )
            self.fields[f"button_{i}_value"] = forms.CharField(
                label=f"Button {i + 1} value",
                max_length=2000,
                required=False,
                help_text="The URL or phone number; for a quick reply, its payload (optional).",
            )
        self.stored_media_urls: list[str] = []
        self.fields["media_file"].help_text = ", ".join(
            f"{label} up to {size_text(_media_limit(kind))}"
            for kind, label in (
                ("image", "JPEG/PNG"),
                ("video", "MP4"),
                ("document", "PDF and office documents"),
            )
        )

    def button_rows(self):
        return [
            (self[f"button_{i}_type"], self[f"button_{i}_text"], self[f"button_{i}_value"])
            for i in range(MAX_BUTTONS)
        ]

    def clean_media_urls(self):
        urls = [u.strip() for u in (self.cleaned_data.get("media_urls") or "").splitlines()]
        urls = [u for u in urls if u]
        validator = forms.URLField(assume_scheme="https").clean
        for url in urls:
            try:
                validator(url)
            except forms.ValidationError:
                raise forms.ValidationError(f"“{url}” is not a valid address.") from None
            if problem := urlguard.url_problem(url):
                raise forms.ValidationError(problem)
        return urls

    def clean_media_file(self):
        upload = self.cleaned_data.get("media_file")
        if not upload:
            return None
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        kind = media_kind_for(extension)
        if kind is None:
            raise forms.ValidationError(
                "This file type cannot be sent. Use JPEG or PNG images, MP4 videos, "
                "or PDF and office documents."
            )
        content_types = MEDIA_KINDS[kind][1]
        problem = upload_size_problem(size=upload.size, limit=_media_limit(kind), what=kind)
        if problem:
            raise forms.ValidationError(problem)
        if upload.content_type and upload.content_type not in content_types:
            raise forms.ValidationError(f"The file says it is {upload.content_type}, not a {kind}.")
        head = upload.read(16)
        upload.seek(0)
        signatures = MAGIC.get(extension)
        if signatures and not any(head.startswith(s) for s in signatures):
            raise forms.ValidationError(f"The file's content is not a .{extension} file.")
        return upload

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("message_type")
        buttons = []
        rows = []  # the form row of each button kept, for WhatsApp's rules below
        for i in range(MAX_BUTTONS):
            text = (cleaned.get(f"button_{i}_text") or "").strip()
            value = (cleaned.get(f"button_{i}_value") or "").strip()
            btype = cleaned.get(f"button_{i}_type") or "quickreply"
            if not text and not value:
                continue
            for name, problem in button_row_problems(kind=btype, text=text, value=value):
                self.add_error(f"button_{i}_{name}", problem)
            if not text:
                continue
            buttons.append({"type": btype, "text": text, "value": value})
            rows.append(i)
        cleaned["buttons"] = buttons
        if kind == Campaign.MessageType.TEMPLATE and not cleaned.get("template"):
            self.add_error("template", "Choose the approved template to send.")
        if kind in (Campaign.MessageType.TEXT, Campaign.MessageType.INTERACTIVE):
            if not (cleaned.get("message_content") or "").strip():
                self.add_error("message_content", "Write the message.")
        if kind == Campaign.MessageType.INTERACTIVE and not buttons:
            self.add_error("button_0_text", "An interactive message needs at least one button.")
        has_media = (
            cleaned.get("media_file")
            or cleaned.get("media_urls")
            or (self.campaign is not None and self.campaign.media_urls)
        )
        if kind == Campaign.MessageType.MEDIA and not has_media:
            self.add_error("media_file", "Upload a file or give its address.")
        content = cleaned.get("message_content") or ""
        if content:
            problem = syntax_problem(content)
            if problem:
                self.add_error("message_content", problem)
        self._clean_sms_length(cleaned)
        subject = (cleaned.get("subject") or "").strip()
        sender = cleaned.get("sender")
        if sender is not None and sender.channel == Sender.Channel.EMAIL and not subject:
            self.add_error("subject", "An e-mail needs a subject.")
        if "\n" in subject or "\r" in subject:
            self.add_error("subject", "The subject is one line.")
        elif subject and (problem := syntax_problem(subject)):
            self.add_error("subject", problem)
        self._whatsapp_rules(cleaned, rows)
        return cleaned

    def _clean_sms_length(self, cleaned: dict) -> None:
        """Twilio refuses an SMS body over its limit: say so here, not only at the review."""
        sender = cleaned.get("sender")
        if sender is not None and sender.channel == Sender.Channel.SMS:
            problem = body_length_problem(cleaned.get("message_content") or "")
            if problem:
                self.add_error("message_content", problem)

    def _whatsapp_rules(self, cleaned: dict, rows: list[int]) -> None:
        """What WhatsApp would refuse (the rules ``validate_campaign`` applies), on its field."""
        sender = cleaned.get("sender")
        kind = cleaned.get("message_type")
        if sender is None or sender.channel not in WHATSAPP_CHANNELS or kind == "template":
            return  # a template's parameters are mapped, and checked, in the next step
        media = cleaned.get("media_urls") or []
        media_field = "media_urls"
        if not media and cleaned.get("media_file") is not None:
            media, media_field = [cleaned["media_file"].name], "media_file"
        elif not media and self.campaign is not None:
            media = self.campaign.media_urls or []
        problems = message_problems(
            kind=kind,
            content=cleaned.get("message_content") or "",
            media_urls=media,
            buttons=cleaned["buttons"],
            template=None,
            personalization=None,
        )
        for problem in problems:
            parts = problem.field.split(".")
            if parts[0] == "buttons" and len(parts) == 3:
                name = "text" if parts[2] == "type" else parts[2]
                self.add_error(f"button_{rows[int(parts[1])]}_{name}", problem.message)
            elif parts[0] == "content":
                self.add_error("message_content", problem.message)
            elif parts[0] == "mediaUrls":
                self.add_error(media_field, problem.message)
            else:
                self.add_error(None, problem.message)

    def save_media(self, *, build_url) -> list[str]:
        """Store an upload under MEDIA_ROOT for good (not the wizard's temp storage): public,
        since providers fetch it, under a random name."""
        urls = list(self.cleaned_data.get("media_urls") or [])
        upload = self.cleaned_data.get("media_file")
        if upload:
            extension = upload.name.rsplit(".", 1)[-1].lower()
            path = default_storage.save(random_name(PUBLIC_MEDIA_FOLDER, extension), upload)
            urls.append(build_url(default_storage.url(path)))
        return urls

    def to_data(self) -> dict:
        data = self.cleaned_data
        template = data.get("template")
        content = data.get("message_content") or ""
        if template is not None and not content.strip():
            content = template.body
        return {
            "sender_id": data["sender"].pk,
            "message_type": data["message_type"],
            "template_id": template.pk if template else None,
            "message_content": content,
            "subject": (data.get("subject") or "").strip(),
            "buttons": data["buttons"],
        }


class PersonalizationForm(StepForm):
    """Maps each variable of the message to a contact field, an attribute or fixed text."""

    def __init__(self, *args, variables: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.variables = variables or []
        attributes = list(
            AttributeDefinition.objects.for_account(self.account).values_list("key", "label")
        )
        source_choices = [
            ("Contact", [(f"field:{k}", label) for k, label in CONTACT_FIELDS]),
            ("Attributes", [(f"attribute:{k}", label or k) for k, label in attributes]),
            ("Other", [("text:", "Fixed text")]),
        ]
        field_keys = {k for k, _label in CONTACT_FIELDS}
        attribute_keys = {k for k, _label in attributes}
        for name in self.variables:
            attribute = name.removeprefix("attributes.")
            if name in field_keys:
                default = f"field:{name}"
            elif attribute in attribute_keys:
                default = f"attribute:{attribute}"
            else:
                default = "text:"
            self.fields[f"source__{name}"] = forms.ChoiceField(
                label=f"{{{{{name}}}}} comes from", choices=source_choices, initial=default
            )
            self.fields[f"text__{name}"] = forms.CharField(
                label=f"Fixed text for {{{{{name}}}}}", required=False, max_length=500
            )
            self.fields[f"fallback__{name}"] = forms.CharField(
                label=f"Fallback for {{{{{name}}}}}",
                required=False,
                max_length=500,
                help_text="Used when the contact has no value.",
            )
        self.fields["condition_field"] = forms.ChoiceField(
            label="Show an extra paragraph when",
            required=False,
            choices=[("", "— no conditional paragraph —")]
            + [(f"field:{k}", label) for k, label in CONTACT_FIELDS]
            + [(f"attribute:{k}", label or k) for k, label in attributes],
        )
        self.fields["condition_operator"] = forms.ChoiceField(
            label="Condition",
            required=False,
            choices=[
                ("eq", "is"),
                ("neq", "is not"),
                ("exists", "has a value"),
            ],
        )
        self.fields["condition_value"] = forms.CharField(
            label="Value", required=False, max_length=200
        )
        self.fields["condition_text"] = forms.CharField(
            label="Paragraph", required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    def variable_rows(self):
        return [
            (name, self[f"source__{name}"], self[f"text__{name}"], self[f"fallback__{name}"])
            for name in self.variables
        ]

    def clean(self):
        cleaned = super().clean()
        for name in self.variables:
            source = cleaned.get(f"source__{name}") or ""
            if source == "text:" and not (cleaned.get(f"text__{name}") or "").strip():
                self.add_error(f"text__{name}", "Give the fixed text.")
        field = cleaned.get("condition_field")
        if field:
            if not (cleaned.get("condition_text") or "").strip():
                self.add_error("condition_text", "Write the paragraph to show.")
            if cleaned.get("condition_operator") != "exists" and not cleaned.get("condition_value"):
                self.add_error("condition_value", "Give the value to compare with.")
        return cleaned

    def to_data(self) -> dict:
        data = self.cleaned_data
        mapping = {}
        for name in self.variables:
            kind, _, value = data[f"source__{name}"].partition(":")
            if kind == "text":
                value = data[f"text__{name}"]
            mapping[name] = {"source": kind, "value": value, "fallback": data[f"fallback__{name}"]}
        blocks = []
        if data.get("condition_field"):
            blocks.append(
                {
                    "field": data["condition_field"],
                    "operator": data["condition_operator"] or "eq",
                    "value": data["condition_value"],
                    "text": data["condition_text"],
                }
            )
        return {"personalization": {"variables": mapping, "blocks": blocks}}


class SchedulingForm(StepForm):
    when = forms.ChoiceField(
        label="When",
        choices=[("now", "Send now"), ("later", "Schedule for later")],
        widget=forms.RadioSelect,
        initial="now",
    )
    start_date = forms.DateTimeField(
        label="Date and time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    timezone = forms.ChoiceField(label="Time zone", choices=())
    local_time_delivery = forms.BooleanField(
        required=False,
        label="Deliver at this local time in each recipient's time zone",
    )
    quiet_hours_start = forms.TimeField(
        required=False, label="Quiet hours from", widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_hours_end = forms.TimeField(
        required=False, label="Quiet hours until", widget=forms.TimeInput(attrs={"type": "time"})
    )
    frequency = forms.ChoiceField(
        choices=Campaign.Frequency.choices, initial=Campaign.Frequency.ONCE
    )
    delivery_time = forms.TimeField(
        required=False,
        label="Delivery time",
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="For daily, weekly and monthly campaigns.",
    )
    end_date = forms.DateTimeField(
        label="Repeat until",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = time_zone_choices()
        self.fields["timezone"].initial = self.account.timezone

    def _aware(self, value: datetime | None, zone: str) -> datetime | None:
        import zoneinfo

        if value is None:
            return None
        if timezone.is_aware(value):
            value = value.replace(tzinfo=None)
        return value.replace(tzinfo=zoneinfo.ZoneInfo(zone))

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("timezone") or self.account.timezone
        start = self._aware(cleaned.get("start_date"), zone)
        end = self._aware(cleaned.get("end_date"), zone)
        cleaned["start_date"], cleaned["end_date"] = start, end
        later = cleaned.get("when") == "later"
        if later and start is None:
            self.add_error("start_date", "Pick the date and time to send.")
        elif later and start <= timezone.now():
            self.add_error("start_date", "This time has already passed.")
        if end and start and end < start:
            self.add_error("end_date", "The end is before the start.")
        frequency = cleaned.get("frequency")
        if frequency and frequency != Campaign.Frequency.ONCE:
            if cleaned.get("delivery_time") is None:
                self.add_error("delivery_time", "A repeating campaign needs a delivery time.")
        if bool(cleaned.get("quiet_hours_start")) != bool(cleaned.get("quiet_hours_end")):
            self.add_error("quiet_hours_end", "Give both ends of the quiet hours.")
        if cleaned.get("local_time_delivery") and not (
            cleaned.get("delivery_time") or (later and start)
        ):
            self.add_error(
                "delivery_time", "Local-time delivery needs a time of day to deliver at."
            )
        return cleaned

    def to_data(self) -> dict:
        data = self.cleaned_data
        later = data["when"] == "later"
        return {
            "send_now": not later,
            "start_date": data["start_date"] if later else None,
            "end_date": data["end_date"],
            "timezone": data["timezone"],
            "frequency": data["frequency"],
            "delivery_time": data["delivery_time"],
            "local_time_delivery": data["local_time_delivery"],
            "quiet_hours_start": data["quiet_hours_start"],
            "quiet_hours_end": data["quiet_hours_end"],
        }


class VariantsForm(StepForm):
    """A/B test arms: up to five variants with their share of the test audience."""

    MAX = 5
    winner_criteria = forms.ChoiceField(
        label="Pick the winner by", choices=Campaign.WinnerCriteria.choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(self.MAX):
            required = i < 2
            self.fields[f"variant_{i}_name"] = forms.CharField(
                label=f"Variant {chr(65 + i)} name", max_length=100, required=False
            )
            self.fields[f"variant_{i}_content"] = forms.CharField(
                label=f"Variant {chr(65 + i)} message",
                required=required,
                max_length=MAX_TEXT_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"variant_{i}_split"] = forms.IntegerField(
                label=f"Variant {chr(65 + i)} share (%)",
                min_value=0,
                max_value=100,
                required=required,
            )

    def variant_rows(self):
        return [
            (
                chr(65 + i),
                self[f"variant_{i}_name"],
                self[f"variant_{i}_content"],
                self[f"variant_{i}_split"],
            )
            for i in range(self.MAX)
        ]

    def clean(self):
        cleaned = super().clean()
        variants = []
        for i in range(self.MAX):
            content = (cleaned.get(f"variant_{i}_content") or "").strip()
            if not content:
                continue
            problem = syntax_problem(content)
            if problem:
                self.add_error(f"variant_{i}_content", problem)
            key = chr(65 + i)
            variants.append(
                {
                    "key": key,
                    "name": cleaned.get(f"variant_{i}_name") or f"Variant {key}",
                    "message": {"type": "text", "content": content},
                    "split_percentage": cleaned.get(f"variant_{i}_split") or 0,
                }
            )
        if len(variants) < 2:
            raise forms.ValidationError("An A/B test needs at least two variants.")
        total = sum(v["split_percentage"] for v in variants)
        if total != 100:
            raise forms.ValidationError(f"The shares add up to {total}%; make them 100%.")
        cleaned["variants"] = variants
        return cleaned

    def to_data(self) -> dict:
        return {
            "variants": self.cleaned_data["variants"],
            "winner_criteria": self.cleaned_data["winner_criteria"],
        }


class SequenceForm(StepForm):
    """Drip and automation steps: each message goes ``delay_hours`` after the previous one."""

    MAX = 6

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(self.MAX):
            self.fields[f"step_{i}_delay"] = forms.IntegerField(
                label=f"Step {i + 1}: wait (hours)",
                min_value=0,
                max_value=24 * 365,
                required=False,
                initial=0 if i == 0 else 24,
            )
            self.fields[f"step_{i}_content"] = forms.CharField(
                label=f"Step {i + 1} message",
                required=i == 0,
                max_length=MAX_TEXT_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def step_rows(self):
        return [
            (i + 1, self[f"step_{i}_delay"], self[f"step_{i}_content"]) for i in range(self.MAX)
        ]

    def clean(self):
        cleaned = super().clean()
        steps = []
        for i in range(self.MAX):
            content = (cleaned.get(f"step_{i}_content") or "").strip()
            if not content:
                continue
            problem = syntax_problem(content)
            if problem:
                self.add_error(f"step_{i}_content", problem)
            steps.append(
                {
                    "step_id": f"step-{len(steps) + 1}",
                    "position": len(steps),
                    "delay_hours": cleaned.get(f"step_{i}_delay") or 0,
                    "message": {"type": "text", "content": content},
                    "conditions": [],
                }
            )
        if not steps:
            raise forms.ValidationError("Add at least one message to the sequence.")
        cleaned["workflow"] = steps
        return cleaned

    def to_data(self) -> dict:
        return {"workflow": self.cleaned_data["workflow"]}


class AutomationForm(SequenceForm):
    trigger_type = forms.ChoiceField(
        label="Start when", choices=AutomationTrigger.Type.choices, widget=forms.RadioSelect
    )
    trigger_value = forms.CharField(
        label="Trigger detail",
        max_length=200,
        help_text="The tag name, the action's name, or the date attribute's key.",
    )
    trigger_offset_days = forms.IntegerField(
        label="Days before (-) or after (+) the date",
        required=False,
        min_value=-365,
        max_value=365,
        initial=0,
    )

    def to_data(self) -> dict:
        data = self.cleaned_data
        kind = data["trigger_type"]
        key = {"tag_added": "tag", "user_action": "action", "date_based": "attribute"}[kind]
        condition = {key: data["trigger_value"].strip()}
        if kind == AutomationTrigger.Type.DATE_BASED:
            condition["offsetDays"] = data.get("trigger_offset_days") or 0
        return {
            "workflow": data["workflow"],
            "triggers": [{"type": kind, "condition": condition}],
        }


class ReviewForm(StepForm):
    action = forms.ChoiceField(
        choices=[("send", "Send or schedule"), ("draft", "Save as draft")], initial="send"
    )
