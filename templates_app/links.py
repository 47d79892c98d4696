"""Links in a message, found and replaced: what click tracking rewrites at send time.

The builder (``templates_app.builder``) knows where links sit in a message (the text, URL
buttons, a template's URL button); what each becomes is the ``LinkTracker``'s to say. Delivery
implements it (a per-recipient ``/r/<token>`` on ``PUBLIC_BASE_URL``, UTM parameters added);
this app only declares the shape, so it needs nothing from the layers above it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

# An http(s) address in running text or inside an attribute: it stops at white space, quotes,
# angle brackets and the characters that close the text around it; punctuation that ends a
# sentence is left out below.
URL_RE = re.compile(r"""https?://[^\s<>"'`{}|\\^\[\]]+""", re.IGNORECASE)
TRAILING = ".,;:!?)"


class LinkTracker(Protocol):
    """What a message's links become for one recipient."""

    # "<PUBLIC_BASE_URL>/r/": a template whose URL button starts with it carries the token as
    # its parameter. "" when links are not redirected.
    redirect_prefix: str

    def url_for(self, url: str, recipient_id: int, *, label: str = "") -> str:
        """The address to send instead of ``url`` (``url`` itself when it stays)."""
        ...


def links_rewrite(text: str, replace: Callable[[str], str]) -> str:
    """``text`` with each http(s) link replaced by ``replace(link)``.

    A closing parenthesis stays part of a link only when the link opened one (Wikipedia's
    ``…/Foo_(bar)``), so "(see https://shop.example/sale)" keeps its own.
    """

    def one(match: re.Match[str]) -> str:
        url = match.group(0)
        tail = ""
        while url and url[-1] in TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            tail = url[-1] + tail
            url = url[:-1]
        if len(url) <= len("https://"):
            return match.group(0)
        return replace(url) + tail

    return URL_RE.sub(one, text)
