"""The drip step: the sequence's messages and the wait before each."""

from typing import Any

from django import forms
from django.forms import BoundField

from campaigns.validation import MAX_TEXT_LENGTH, syntax_problem
from campaigns.wizard.forms.base import StepForm


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

    def step_rows(self) -> list[tuple[int, BoundField, BoundField]]:
        return [
            (i + 1, self[f"step_{i}_delay"], self[f"step_{i}_content"]) for i in range(self.MAX)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        steps: list[dict[str, Any]] = []
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
