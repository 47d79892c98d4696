"""What the e-mail adapter puts on the wire, as a real SMTP server (aiosmtpd on 127.0.0.1)
receives it and the standard library's ``email`` parser reads it: MIME structure, escaping,
the RFC 8058 one-click headers, Message-ID and List-Id; and which SMTP refusals are bounces."""

import re

import pytest

from audience.unsubscribe import email_unsubscribe_read
from messaging.providers.base import OutboundMessage
from messaging.providers.registry import get_adapter
from tests.factories import AccountFactory, ContactFactory
from tests.messaging.email_support import (
    ONE_CLICK,
    Tags,
    assert_campaign_email,
    email_sender,
    parsed,
    parts,
    path_of,
    unsubscribe_url,
)
from tests.messaging.smtp_server import SmtpServer

BASE = "https://campaigns.example.com"


@pytest.fixture(autouse=True)
def _public_base(settings):
    settings.PUBLIC_BASE_URL = BASE
    settings.EMAIL_ID_DOMAIN = ""


def _message(contact, i: int = 1, **kw) -> OutboundMessage:
    data = {
        "recipient_id": i,
        "callback_data": f"recipient:{i}",
        "to_email": contact.email,
        "contact_id": contact.pk,
        "subject": "Spring sale",
        "text": "Hello, the sale is on.",
    }
    data.update(kw)
    return OutboundMessage(**data)


def _send(account, messages, **server_kw):
    with SmtpServer(**server_kw) as server:
        adapter = get_adapter(email_sender(account, server))
        results = adapter.send_many(messages)
        adapter.close()
        return results, server.mails


def test_each_message_is_multipart_alternative_with_every_header(account):
    # given
    contacts = [ContactFactory(account=account) for _ in range(3)]
    # when
    results, mails = _send(account, [_message(c, i) for i, c in enumerate(contacts, 1)])
    # then
    assert [r.ok for r in results] == [True, True, True]
    assert len(mails) == 3
    ids = set()
    for result, mail, contact in zip(results, mails, contacts, strict=True):
        message = parsed(mail)
        assert_campaign_email(message, base_url=BASE, domain="campaigns.example.com")
        assert mail.rcpt_to == [contact.email]
        assert message["Message-ID"] == result.provider_message_id
        ids.add(message["Message-ID"])
        text, html = parts(message)
        assert text.startswith("Hello, the sale is on.")
        assert "<p>Hello, the sale is on.</p>" in html
    assert len(ids) == 3


def test_one_click_headers_carry_the_contacts_signed_https_link(account, client):
    contact = ContactFactory(account=account)
    _, mails = _send(account, [_message(contact, 7)])
    message = parsed(mails[0])

    assert message["List-Unsubscribe-Post"] == ONE_CLICK
    # Only the https link: no mailto, since nothing here reads replies to one.
    assert "mailto:" not in str(message["List-Unsubscribe"])
    url = unsubscribe_url(message)
    assert url.startswith(f"{BASE}/unsubscribe/email/")
    claim = email_unsubscribe_read(path_of(url).split("/")[-2])
    assert (claim.account_id, claim.contact_id, claim.recipient_id) == (account.pk, contact.pk, 7)
    # The same link ends both bodies, and the page it names answers.
    text, html = parts(message)
    assert text.rstrip().endswith(f"Unsubscribe: {url}")
    assert url in Tags(html).links()
    assert client.get(path_of(url)).status_code == 200


def test_message_id_and_list_id_are_on_the_installs_domain_not_the_senders(account):
    account.name, account.slug = "Acme Store", "acme-store"
    account.save()
    _, mails = _send(account, [_message(ContactFactory(account=account))])
    message = parsed(mails[0])

    assert message["From"] == "Acme <news@acme.example>"
    assert re.fullmatch(r"<[^<>@\s]+@campaigns\.example\.com>", message["Message-ID"])
    assert message["List-Id"] == "Acme Store <acme-store.campaigns.example.com>"


def test_email_id_domain_setting_names_the_domain(account, settings):
    settings.EMAIL_ID_DOMAIN = "mail.example.net"
    _, mails = _send(account, [_message(ContactFactory(account=account))])
    message = parsed(mails[0])

    assert message["Message-ID"].endswith("@mail.example.net>")
    assert str(message["List-Id"]).endswith(f"<{account.slug}.mail.example.net>")


def test_user_text_never_becomes_markup(account):
    text = (
        'Hi <b>Ann</b> & "co",\n\n'
        "Shop now: https://shop.example/sale?a=1&b=2\n"
        "or javascript:alert(1) <script>alert(2)</script>\n\n"
        '"><img src=x onerror=alert(3)> <a href="https://evil.example">click</a>'
    )
    _, mails = _send(account, [_message(ContactFactory(account=account), text=text)])
    plain, html = parts(parsed(mails[0]))

    # The text part is the text as written.
    assert plain.startswith(text)
    # The HTML has only the elements we made: paragraphs, breaks, our links, the footer.
    tags = Tags(html)
    assert tags.names() <= {"html", "head", "meta", "title", "body", "p", "br", "a", "hr", "small"}
    assert tags.links()[0] == "https://shop.example/sale?a=1&b=2"
    assert all(link.startswith("https://") for link in tags.links())
    # A link shows the address it opens (the written <a> is text, its URL linked as itself);
    # only our own footer link says "Unsubscribe".
    *written, footer = tags.anchors
    assert all(text == href for href, text in written), written
    assert footer[1] == "Unsubscribe"
    assert "&lt;a href=&quot;" in html
    assert all(set(attrs) <= {"href", "charset", "name", "content"} for _, attrs in tags.tags)
    # What the person wrote is shown as text, escaped.
    assert "Hi &lt;b&gt;Ann&lt;/b&gt; &amp; &quot;co&quot;," in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    # Blank lines make paragraphs, line breaks <br>.
    assert html.count("<p>") == 4  # three of the message, one footer
    assert "<br>" in html


def test_unicode_subject_and_account_name_are_encoded_and_one_line(account):
    account.name = "Café Ünïcode"
    account.save()
    subject = "Soldes d’été 🌞\nnouvelle ligne"
    _, mails = _send(account, [_message(ContactFactory(account=account), subject=subject)])
    message = parsed(mails[0])

    assert message["Subject"] == "Soldes d’été 🌞 nouvelle ligne"
    assert message["List-Id"] == f"Café Ünïcode <{account.slug}.campaigns.example.com>"
    raw_headers = mails[0].data.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii()  # RFC 2047 encoded words, not raw UTF-8 in headers


def test_without_a_public_base_url_there_is_no_unsubscribe_header(account, settings):
    settings.PUBLIC_BASE_URL = ""
    _, mails = _send(account, [_message(ContactFactory(account=account))])
    message = parsed(mails[0])

    assert message["List-Unsubscribe"] is None
    assert message["List-Unsubscribe-Post"] is None
    parts(message)  # still multipart


@pytest.mark.parametrize(
    ("server", "bounced", "transient"),
    [
        ({"refuse": {"gone@example.org"}}, True, False),  # 550 5.1.1 at RCPT
        ({"refuse_data": {"gone@example.org"}}, True, False),  # 550 5.1.1 after DATA
        ({"reply_rcpt": {"gone@example.org": "553 Mailbox name not allowed"}}, True, False),
        ({"reply_rcpt": {"gone@example.org": "550 5.7.1 Relaying denied"}}, False, False),
        ({"reply_rcpt": {"gone@example.org": "554 5.7.1 Message refused as spam"}}, False, False),
        ({"reply_rcpt": {"gone@example.org": "451 4.3.0 Try again later"}}, False, True),
    ],
)
def test_which_refusals_are_bounces(account, server, bounced, transient):
    """A 5xx naming the mailbox is a bounce; a policy refusal (5.7.x) fails that message
    without condemning the address; a 4xx is retried."""
    gone = ContactFactory(account=account, email="gone@example.org")
    kept = ContactFactory(account=account)
    results, mails = _send(account, [_message(gone, 1), _message(kept, 2)], **server)

    assert (results[0].ok, results[0].bounced, results[0].transient) == (False, bounced, transient)
    assert results[0].error_code.startswith("smtp_")
    assert results[1].ok
    assert [m.rcpt_to for m in mails] == [[kept.email]]


def test_a_refusal_after_data_keeps_the_connection_for_the_rest(account):
    contacts = [ContactFactory(account=account) for _ in range(3)]
    with SmtpServer(refuse_data={contacts[1].email}) as server:
        adapter = get_adapter(email_sender(account, server))
        results = adapter.send_many([_message(c, i) for i, c in enumerate(contacts, 1)])
        adapter.close()
        connections = server.connections
        delivered = [m.rcpt_to for m in server.mails]
    assert [r.ok for r in results] == [True, False, True]
    assert delivered == [[contacts[0].email], [contacts[2].email]]
    assert connections == 1


def test_another_accounts_sender_signs_for_its_own_account(account):
    other = AccountFactory()
    contact = ContactFactory(account=other)
    _, mails = _send(other, [_message(contact)])
    claim = email_unsubscribe_read(path_of(unsubscribe_url(parsed(mails[0]))).split("/")[-2])
    assert claim.account_id == other.pk != account.pk
