"""The editor page's POST, read into the API's data shape so the one service validates both.

The editor's buttons and variable rows are repeated inputs (``button_type`` … in row order), so
a plain Django form would only duplicate the service's rules; this module just reads them.
"""

from django.http import QueryDict

# Far above WhatsApp's limits: a tampered POST cannot make the page build huge lists.
MAX_ROWS = 50


def _rows(post: QueryDict, *keys: str) -> list[tuple[str, ...]]:
    columns = [post.getlist(key)[:MAX_ROWS] for key in keys]
    length = max((len(c) for c in columns), default=0)
    padded = [c + [""] * (length - len(c)) for c in columns]
    return list(zip(*padded, strict=True))


def _text(post: QueryDict, key: str) -> str:
    # Browsers send CRLF line breaks; the limits count a line break as one character.
    return post.get(key, "").replace("\r\n", "\n")


def editor_data_from_post(post: QueryDict) -> dict:
    buttons = [
        {"type": kind.strip(), "text": text.strip(), "value": value.strip()}
        for kind, text, value in _rows(post, "button_type", "button_text", "button_value")
        if text.strip() or value.strip()
    ]
    variables = [
        {"name": name.strip(), "example": example.strip()}
        for name, example in _rows(post, "variable_name", "variable_example")
        if name.strip()
    ]
    return {
        "name": post.get("name", "").strip(),
        "category": post.get("category", ""),
        "language": post.get("language", "").strip(),
        "status": post.get("status", ""),
        "header": {
            "type": post.get("header_type", "none"),
            "text": _text(post, "header_text"),
            "mediaUrl": post.get("header_media_url", "").strip(),
        },
        "body": _text(post, "body"),
        "footer": _text(post, "footer"),
        "buttons": buttons,
        "variables": variables,
    }


def errors_by_field(problems: list[dict]) -> dict[str, list[str]]:
    """``{"header.mediaUrl": [...]}`` → ``{"header_mediaUrl": [...]}`` for template lookups."""
    errors: dict[str, list[str]] = {}
    for problem in problems or []:
        key = (problem.get("field") or "form").replace(".", "_")
        errors.setdefault(key, []).append(problem.get("message", ""))
    return errors
