"""The A/B test step: the variants and their shares of the test audience."""

from typing import Any

from django import forms
from django.forms import BoundField

from campaigns.models import Campaign
from campaigns.validation import MAX_TEXT_LENGTH, syntax_problem
from campaigns.wizard.forms.base import StepForm


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

    def variant_rows(self) -> list[tuple[str, BoundField, BoundField, BoundField]]:
        return [
            (
                chr(65 + i),
                self[f"variant_{i}_name"],
                self[f"variant_{i}_content"],
                self[f"variant_{i}_split"],
            )
            for i in range(self.MAX)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        variants: list[dict[str, Any]] = []
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
