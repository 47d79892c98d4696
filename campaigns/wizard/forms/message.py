"""Step 3: the sender and the message (text, template, media, buttons), with WhatsApp's rules."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.forms import BoundField

from campaigns.models import Campaign
from campaigns.validation import (
    BUTTON_TITLE_MAX,
    MAX_BUTTONS,
    MAX_TEXT_LENGTH,
    WHATSAPP_CHANNELS,
    button_row_problems,
    message_problems,
    syntax_problem,
)
from campaigns.wizard.fields import MAGIC, MEDIA_KINDS, media_kind_for
from campaigns.wizard.forms.base import StepForm
from core import urlguard
from core.storage import PUBLIC_MEDIA_FOLDER, random_name
from core.uploads import size_text, upload_size_problem
from messaging.models import Sender
from messaging.sms_segments import body_length_problem
from templates_app.models import MessageTemplate


def _media_limit(kind: str) -> int:
    """The provider's limit for this kind of media, capped by MEDIA_UPLOAD_MAX_BYTES."""
    return min(MEDIA_KINDS[kind][2], settings.MEDIA_UPLOAD_MAX_BYTES)


BUTTON_TYPES = [("quickreply", "Quick reply"), ("url", "Open a URL"), ("call", "Call a number")]


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

    track_links = forms.BooleanField(
        required=False,
        initial=True,
        label="Track link clicks",
        help_text="Each recipient gets their own short link that counts the click, then "
        "opens the page. Media links and the unsubscribe link are never changed.",
    )
    utm_source = forms.CharField(
        required=False, max_length=100, label="utm_source", help_text="e.g. whatsapp"
    )
    utm_medium = forms.CharField(
        required=False, max_length=100, label="utm_medium", help_text="e.g. chat"
    )
    utm_campaign = forms.CharField(
        required=False, max_length=100, label="utm_campaign", help_text="e.g. spring-sale"
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

    def button_rows(self) -> list[tuple[BoundField, BoundField, BoundField]]:
        return [
            (self[f"button_{i}_type"], self[f"button_{i}_text"], self[f"button_{i}_value"])
            for i in range(MAX_BUTTONS)
        ]

    def clean_media_urls(self) -> list[str]:
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

    def clean_media_file(self) -> UploadedFile | None:
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

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
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
            kind=kind or "",
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

    def save_media(self, *, build_url: Callable[[str], str]) -> list[str]:
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
            "track_links": bool(data.get("track_links")),
            "utm_source": (data.get("utm_source") or "").strip(),
            "utm_medium": (data.get("utm_medium") or "").strip(),
            "utm_campaign": (data.get("utm_campaign") or "").strip(),
        }
