"""What the e-mail tests share: a sender pointed at the aiosmtpd stand-in, and the checks every
captured campaign e-mail must pass, read with the standard library's own ``email`` parser."""

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser
from urllib.parse import urlsplit

from messaging.models import Sender
from tests.factories import SenderFactory

ONE_CLICK = "List-Unsubscribe=One-Click"


def email_sender(account, server, **fields) -> Sender:
    data = {
        "account": account,
        "channel": Sender.Channel.EMAIL,
        "api_base_url": f"smtp://mailer@127.0.0.1:{server.port}",
        "from_address": "Acme <news@acme.example>",
        "rate_limit_per_second": 0,
    }
    data.update(fields)
    return SenderFactory(**data)


def parsed(mail) -> EmailMessage:
    """A captured message as the stdlib's modern parser reads it (headers unfolded, decoded)."""
    return message_from_bytes(mail.data, policy=policy.default)


def unsubscribe_url(message: EmailMessage) -> str:
    """The https URL of ``List-Unsubscribe`` (RFC 2369: a list of <URI>)."""
    uris = re.findall(r"<([^<>]+)>", str(message["List-Unsubscribe"]))
    https = [u for u in uris if u.startswith(("https://", "http://"))]
    assert len(https) == 1, uris
    return https[0]


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text/plain and text/html bodies of a multipart/alternative message, checked."""
    assert message.get_content_type() == "multipart/alternative"
    children = list(message.iter_parts())
    # RFC 2046 5.1.4: alternatives in increasing order of preference, so HTML comes last.
    assert [c.get_content_type() for c in children] == ["text/plain", "text/html"]
    for child in children:
        assert child.get_content_charset() == "utf-8"
    # On the wire lines end in CRLF; compare as text.
    text, html = (c.get_content().replace("\r\n", "\n") for c in children)
    return text, html


def assert_campaign_email(message: EmailMessage, *, base_url: str, domain: str) -> None:
    """The structure and headers every campaign e-mail carries (issue 10, item 5)."""
    parts(message)
    url = unsubscribe_url(message)
    assert url.startswith(f"{base_url}/unsubscribe/email/"), url
    assert message["List-Unsubscribe-Post"] == ONE_CLICK
    assert re.fullmatch(rf"<[^<>@\s]+@{re.escape(domain)}>", message["Message-ID"])
    assert str(message["List-Id"]).endswith(f".{domain}>")
    assert message["Subject"]
    assert message["Date"]


class Tags(HTMLParser):
    """Every element and attribute of an HTML body (the stdlib's HTML parser as judge)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.anchors: list[list[str]] = []  # [href, visible text]
        self._in_anchor = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "a":
            self.anchors.append([dict(attrs).get("href", ""), ""])
            self._in_anchor = True

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_anchor = False

    def handle_data(self, data):
        if self._in_anchor:
            self.anchors[-1][1] += data

    def names(self) -> set[str]:
        return {tag for tag, _ in self.tags}

    def links(self) -> list[str]:
        return [attrs.get("href", "") for tag, attrs in self.tags if tag == "a"]


def path_of(url: str) -> str:
    return urlsplit(url).path
