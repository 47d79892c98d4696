"""Template helpers of the campaign pages: query strings that keep filters, small formats."""

import json
from collections.abc import Mapping
from typing import Any, SupportsFloat

from django import template
from django.template import Context
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Account
from campaigns.views.actions import Action

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: Context, **changes: object) -> str:
    """The current query string with ``changes`` applied (a value of None or "" drops the key).

    Pagination and sort links use it so that search, filters and the view survive a click.
    """
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = urlencode(sorted((k, v) for k, vs in params.lists() for v in vs))
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_query(context: Context, key: str) -> str:
    """Link for a column header: sort by ``key``, or reversed when it is the current sort."""
    current = context["request"].GET.get("sort", "-created")
    target = f"-{key}" if current == key else key
    return query_replace(context, sort=target, page=None)


@register.simple_tag(takes_context=True)
def sort_state(context: Context, key: str) -> str:
    """``ascending``/``descending`` for the column sorted on, for ``aria-sort``; else ``none``."""
    current = context["request"].GET.get("sort", "-created")
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"


@register.filter
def percent(value: SupportsFloat | str) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return f"{number:.1f}%"


@register.filter
def pretty_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


@register.filter
def get_item(mapping: Mapping[str, int], key: str) -> int:
    try:
        return mapping.get(key, 0)
    except AttributeError:
        return 0


@register.filter
def ratio(part: int, whole: int) -> int:
    """``part`` as a whole percentage of ``whole`` (0–100), for progress bars."""
    try:
        return max(0, min(100, round(100 * int(part) / int(whole))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.simple_tag
def filter_sentence(tree: dict[str, Any], account: Account) -> str:
    """A custom filter tree as the sentence a marketer reads (``audience.filters.describe``)."""
    from audience.filters.describe import filters_describe

    return filters_describe(tree, account=account)


@register.filter
def field_labels(names: object) -> str:
    """Crud field names as the history names them ("segment_ids" → "Segments")."""
    from campaigns.services.changes import LABELS

    if not isinstance(names, list | tuple):
        return ""
    return ", ".join(LABELS.get(str(n), str(n).replace("_", " ")) for n in names)


@register.filter
def zone_label(name: str) -> SafeString:
    """A time zone name that reads and wraps: "America/Argentina/Buenos Aires", with a
    line-break opportunity after each "/"."""
    return mark_safe("/<wbr>".join(escape(part.replace("_", " ")) for part in str(name).split("/")))


@register.simple_tag
def example_phone(region: object) -> str:
    """A mobile number of ``region`` that passes our own phone check, for placeholders: a
    made-up example (such as the UK's 07700 900xxx drama range) would itself be refused."""
    import phonenumbers

    number = phonenumbers.example_number_for_type(
        str(region or "US").upper(), phonenumbers.PhoneNumberType.MOBILE
    ) or phonenumbers.example_number_for_type("US", phonenumbers.PhoneNumberType.MOBILE)
    if number is None:  # phonenumbers' metadata has a US mobile example
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# In a list row only the next step shows as a button; the rest sits in the row's "More" menu,
# so a row never grows wider than its column whatever its state offers.
_ROW_BUTTONS = ("publish", "send", "resume", "pause", "restore")


@register.filter
def row_buttons(actions: list[Action]) -> list[Action]:
    return [a for a in actions if a.name in _ROW_BUTTONS]


@register.filter
def row_menu(actions: list[Action]) -> list[Action]:
    return [a for a in actions if a.name not in _ROW_BUTTONS]
