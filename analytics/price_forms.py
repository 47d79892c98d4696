"""The price table's formset: one row per (channel, category, country), edited together."""

from __future__ import annotations

from typing import Any

from django import forms

from analytics.models import MessagePrice
from core.forms import StorableTextMixin


class MessagePriceForm(StorableTextMixin, forms.ModelForm):
    class Meta:
        model = MessagePrice
        fields = ("channel", "category", "country", "price")
        widgets = {
            "country": forms.TextInput(attrs={"size": 3, "placeholder": "other"}),
            "price": forms.NumberInput(attrs={"step": "0.00001", "min": "0"}),
        }

    def clean_country(self) -> str:
        country = (self.cleaned_data.get("country") or "").strip().upper()
        if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise forms.ValidationError("Use a two-letter country code (FR), or leave it empty.")
        return country

    def clean_price(self) -> Any:
        price = self.cleaned_data.get("price")
        if price is not None and price < 0:
            raise forms.ValidationError("A price cannot be negative.")
        return price

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        channel, category = cleaned.get("channel"), cleaned.get("category") or ""
        if channel == MessagePrice.Channel.WHATSAPP and not category:
            self.add_error("category", "WhatsApp prices depend on the category: choose one.")
        elif channel and channel != MessagePrice.Channel.WHATSAPP and category:
            self.add_error("category", "Only WhatsApp prices have a category: leave it empty.")
        return cleaned


class BasePriceFormSet(forms.BaseModelFormSet):
    """The rows of one account (its ``queryset``): a posted id outside it is refused, since a
    model formset's id field accepts any row of the model."""

    def clean(self) -> None:
        super().clean()
        own = {row.pk for row in self.get_queryset()}
        seen: set[tuple[str, str, str]] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            chosen = form.cleaned_data.get("id")
            if chosen is not None and chosen.pk not in own:
                form.add_error(None, "This price is not in your table; reload the page.")
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            key = (data.get("channel") or "", data.get("category") or "", data.get("country") or "")
            if key in seen:
                where = key[2] or "every other country"
                form.add_error(
                    None, f"{key[0]} {key[1]} for {where} is already in the table.".strip()
                )
            seen.add(key)


PriceFormSet = forms.modelformset_factory(
    MessagePrice,
    form=MessagePriceForm,
    formset=BasePriceFormSet,
    extra=1,
    can_delete=True,
    max_num=500,
    validate_max=True,
)
