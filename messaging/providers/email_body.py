"""The two bodies of a campaign e-mail, both from the one rendered text.

The text a contact receives (written by a marketer, filled with contact data) is never
markup: the HTML part escapes all of it, turns blank lines into paragraphs and line breaks
into ``<br>``, and links bare http(s) and www addresses (Django's ``urlize``, which escapes
the rest and quotes what goes into ``href``). Both parts end with the same unsubscribe link.
"""

from django.utils.html import escape, format_html, linebreaks, urlize


def email_text(*, text: str, unsubscribe_url: str = "") -> str:
    """The text/plain part: the message, then a signature block with the unsubscribe link."""
    body = (text or "").rstrip()
    if unsubscribe_url:
        body += f"\n\n-- \nUnsubscribe: {unsubscribe_url}"
    return body + "\n"


def email_html(*, text: str, subject: str = "", unsubscribe_url: str = "", sender: str = "") -> str:
    """The text/html part: a small standalone document (no styles, scripts or images)."""
    paragraphs = linebreaks(urlize((text or "").strip(), nofollow=False, autoescape=True))
    footer = ""
    if unsubscribe_url:
        if sender:
            line = format_html(
                'You receive this e-mail from {}. <a href="{}">Unsubscribe</a>',
                sender,
                unsubscribe_url,
            )
        else:
            line = format_html('<a href="{}">Unsubscribe</a> from these e-mails', unsubscribe_url)
        footer = f"\n<hr>\n<p><small>{line}</small></p>"
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(subject or '')}</title>\n"
        f"</head>\n<body>\n{paragraphs}{footer}\n</body>\n</html>\n"
    )
