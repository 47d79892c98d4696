"""The email adapter through Django's SMTP backend against an SMTP server on 127.0.0.1."""

from messaging.models import Sender
from messaging.providers.base import OutboundMessage
from messaging.providers.registry import get_adapter
from tests.factories import SenderFactory
from tests.messaging.smtp_server import SmtpServer


def _email(i: int, **kw) -> OutboundMessage:
    data = {
        "recipient_id": i,
        "callback_data": f"recipient:{i}",
        "to_email": f"person{i}@example.org",
        "subject": "Spring sale",
        "text": "Hello, the sale is on.",
    }
    data.update(kw)
    return OutboundMessage(**data)


def _sender(account, server, **kw):
    return SenderFactory(
        account=account,
        channel=Sender.Channel.EMAIL,
        api_base_url=f"smtp://mailer@127.0.0.1:{server.port}",
        from_address="Acme <news@acme.example>",
        rate_limit_per_second=0,
        **kw,
    )


def test_batch_goes_through_one_connection_with_html_and_message_ids(account):
    with SmtpServer() as server:
        # given
        adapter = get_adapter(_sender(account, server))
        messages = [_email(i, html=f"<p>Hello {i}</p>") for i in range(3)]
        # when
        results = adapter.send_many(messages)
        adapter.close()
        mails = server.mails
        connections = server.connections
    # then
    assert all(r.ok for r in results)
    assert connections == 1
    assert [m.rcpt_to for m in mails] == [
        ["person0@example.org"],
        ["person1@example.org"],
        ["person2@example.org"],
    ]
    for result, mail in zip(results, mails, strict=True):
        parsed = mail.message
        assert parsed["Message-ID"] == result.provider_message_id
        assert result.provider_message_id.endswith("@acme.example>")
        assert parsed["From"] == "Acme <news@acme.example>"
        assert parsed["Subject"] == "Spring sale"
        assert parsed.is_multipart()
        types = [part.get_content_type() for part in parsed.walk()]
        assert "text/plain" in types
        assert "text/html" in types
    assert mails[1].message["X-Campaign-Callback"] == "recipient:1"


def test_default_from_address_when_sender_has_none(account, settings):
    settings.DEFAULT_FROM_EMAIL = "campaigns@default.example"
    with SmtpServer() as server:
        sender = _sender(account, server)
        sender.from_address = ""
        adapter = get_adapter(sender)
        result = adapter.send(_email(1))
        adapter.close()
        mail = server.mails[0]
    assert result.ok
    assert mail.mail_from == "campaigns@default.example"


def test_refused_recipient_is_a_permanent_failure_and_the_batch_goes_on(account):
    with SmtpServer(refuse={"person1@example.org"}) as server:
        adapter = get_adapter(_sender(account, server))
        results = adapter.send_many([_email(0), _email(1), _email(2)])
        adapter.close()
        delivered = [m.rcpt_to for m in server.mails]
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error_code == "smtp_550"
    assert not results[1].transient
    assert delivered == [["person0@example.org"], ["person2@example.org"]]


def test_bad_smtp_password_is_an_auth_failure(account):
    with SmtpServer(password="right") as server:
        adapter = get_adapter(_sender(account, server, smtp_password="wrong"))
        result = adapter.send(_email(1))
        adapter.close()
        assert server.mails == []
    assert not result.ok
    assert result.auth_failed


def test_unreachable_smtp_server_is_transient(account):
    with SmtpServer() as server:
        sender = _sender(account, server)
    adapter = get_adapter(sender)
    result = adapter.send(_email(1))
    adapter.close()
    assert not result.ok
    assert result.transient


def test_contact_without_email_fails_permanently(account):
    with SmtpServer() as server:
        adapter = get_adapter(_sender(account, server))
        result = adapter.send(_email(1, to_email=""))
        adapter.close()
    assert not result.ok
    assert not result.transient
    assert result.error_code == "no_email"
