"""What every page form shares: text the database cannot store is a field error, never a 500.

Django's ``CharField`` already refuses a raw NUL, but text decoded inside a form (a filter tree
posted as JSON, where ``"\\u0000"`` and ``"\\ud800"`` are legal escapes) and free text without a
``max_length`` reached the database as they were. The check runs on the *cleaned* values, so it
sees what the form will hand to a service, however deep it sits.
"""

from typing import TYPE_CHECKING

from django import forms

from core.text import dotted, unstorable

if TYPE_CHECKING:
    # What the mixin is mixed into, so the type checker knows ``super()`` and the form's
    # attributes; at run time it stays a plain mixin.
    _Form = forms.BaseForm
else:
    _Form = object


class StorableTextMixin(_Form):
    """Mix into a ``forms.Form``: after the form's own cleaning, every string in a cleaned
    value (nested lists and dicts included) must be storable (``core.text``)."""

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return
        for name, value in list(self.cleaned_data.items()):
            if name in self.errors:
                continue
            for path, message in unstorable(value):
                where = f" (at {dotted(path)})" if path else ""
                self.add_error(name if name in self.fields else None, message + where)
                break
