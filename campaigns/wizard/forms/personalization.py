"""Step 4: where each variable takes its value from, and a conditional paragraph."""

from typing import Any

from django import forms
from django.forms import BoundField

from audience.models import AttributeDefinition
from campaigns.wizard.fields import CONTACT_FIELDS
from campaigns.wizard.forms.base import StepForm


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

    def variable_rows(self) -> list[tuple[str, BoundField, BoundField, BoundField]]:
        return [
            (name, self[f"source__{name}"], self[f"text__{name}"], self[f"fallback__{name}"])
            for name in self.variables
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
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
