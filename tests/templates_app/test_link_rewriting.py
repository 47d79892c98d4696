"""The builder rewrites a message's links through a ``LinkTracker`` for a recipient, and only
then: text (and links inside markup), URL buttons, a template's ``<base>/r/{{1}}`` button;
never media, never a preview."""

import pytest

from templates_app.builder import MessageBuilder, MessageSource
from templates_app.links import links_rewrite
from templates_app.structure import TemplateStructure
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

BASE = "https://go.example.com"


class Tracker:
    """A tracker that numbers each link it is asked for, and remembers the labels."""

    redirect_prefix = f"{BASE}/r/"

    def __init__(self) -> None:
        self.asked: list[tuple[str, int, str]] = []

    def url_for(self, url: str, recipient_id: int, *, label: str = "") -> str:
        self.asked.append((url, recipient_id, label))
        return f"{self.redirect_prefix}T{len(self.asked)}-{recipient_id}"


def test_links_in_running_text_keep_the_punctuation_around_them():
    text = (
        "Sale: https://shop.example.com/sale. See (https://shop.example.com/faq), "
        "https://en.wikipedia.org/wiki/Foo_(bar) and http://x.example.com/?a=1&b=2!"
    )
    seen: list[str] = []
    out = links_rewrite(text, lambda url: seen.append(url) or "LINK")
    assert seen == [
        "https://shop.example.com/sale",
        "https://shop.example.com/faq",
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        "http://x.example.com/?a=1&b=2",
    ]
    assert out == "Sale: LINK. See (LINK), LINK and LINK!"


def test_a_text_message_has_its_links_and_url_buttons_tracked_per_recipient(account):
    source = MessageSource(
        type="text",
        content='Hi {{first_name}}: https://shop.example.com/sale and <a href="https://shop.example.com/b">b</a>',
        media_urls=("https://cdn.example.com/banner.png",),
        buttons=(
            {"type": "url", "text": "Shop now", "value": "https://shop.example.com/now"},
            {"type": "quickreply", "text": "Stop", "value": "stop"},
        ),
    )
    tracker = Tracker()
    contact = ContactFactory(account=account, first_name="Ada")

    message = MessageBuilder(source, tracker=tracker).build(contact, recipient_id=42)

    assert message.text == (f'Hi Ada: {BASE}/r/T1-42 and <a href="{BASE}/r/T2-42">b</a>')
    assert message.buttons == (
        {"type": "url", "text": "Shop now", "value": f"{BASE}/r/T3-42"},
        {"type": "quickreply", "text": "Stop", "value": "stop"},
    )
    assert message.media_urls == ("https://cdn.example.com/banner.png",)  # never tracked
    assert tracker.asked == [
        ("https://shop.example.com/sale", 42, ""),
        ("https://shop.example.com/b", 42, ""),
        ("https://shop.example.com/now", 42, "Shop now"),
    ]


def test_previews_and_builds_without_a_recipient_keep_the_links_as_written(account):
    source = MessageSource(type="text", content="See https://shop.example.com/sale")
    tracker = Tracker()
    builder = MessageBuilder(source, tracker=tracker)
    contact = ContactFactory(account=account)

    assert builder.build(contact).text == "See https://shop.example.com/sale"
    assert builder.preview(contact)["body"] == "See https://shop.example.com/sale"
    assert tracker.asked == []


def _template(url: str) -> TemplateStructure:
    return TemplateStructure(
        name="sale",
        language="en",
        header_type="image",
        header_media_url="https://cdn.example.com/banner.png",
        body="Hi {{1}}, the sale is on.",
        buttons=(
            {"type": "url", "text": "Shop", "value": url},
            {"type": "quickreply", "text": "Stop", "value": "stop"},
        ),
    )


def test_a_template_approved_with_our_redirect_url_carries_the_token_as_its_parameter(account):
    source = MessageSource(
        type="template",
        template=_template(f"{BASE}/r/{{{{1}}}}"),
        personalization={
            "variables": {
                "1": {"source": "field", "value": "first_name"},
                "button_1_url": {"source": "text", "value": "https://shop.example.com/sale?x=1"},
            }
        },
    )
    tracker = Tracker()
    contact = ContactFactory(account=account, first_name="Ada")

    message = MessageBuilder(source, tracker=tracker).build(contact, recipient_id=7)

    assert message.template["buttons"][0] == {"index": 0, "sub_type": "url", "text": "T1-7"}
    assert tracker.asked == [("https://shop.example.com/sale?x=1", 7, "Shop")]
    assert message.template["header"] == {
        "type": "image",
        "link": "https://cdn.example.com/banner.png",
    }


def test_a_template_url_elsewhere_keeps_its_parameter(account):
    source = MessageSource(
        type="template",
        template=_template("https://shop.example.com/o/{{1}}"),
        personalization={
            "variables": {
                "1": {"source": "field", "value": "first_name"},
                "button_1_url": {"source": "text", "value": "A-1"},
            }
        },
    )
    tracker = Tracker()
    message = MessageBuilder(source, tracker=tracker).build(
        ContactFactory(account=account, first_name="Ada"), recipient_id=7
    )
    assert message.template["buttons"][0]["text"] == "A-1"
    assert tracker.asked == []
