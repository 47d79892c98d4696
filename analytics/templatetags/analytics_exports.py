"""``{% exports_box %}``: the analytics page's Exports box, drawn with the page (no extra
request), from the ``campaign`` and ``request`` of the page's context."""

from typing import Any

from django import template

from analytics.exports.views import box_context

register = template.Library()


@register.inclusion_tag("analytics/exports/_box.html", takes_context=True)
def exports_box(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    box = box_context(request, context["campaign"], next_url=request.get_full_path())
    box["csrf_token"] = context.get("csrf_token")
    return box
