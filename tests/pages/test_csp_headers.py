"""The Content-Security-Policy: sent on every kind of answer, and no template can need more.

The policy forbids inline scripts, inline event handlers and inline styles. The browser test
(``test_csp_browser.py``) proves the pages work under it; the template scan below keeps a
future template from bringing an inline handler, script or style back, which would break
silently in the browser (a refused handler only logs a console error).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Role

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
STATIC_JS_DIRS = [Path(settings.BASE_DIR) / "static"]

EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "media-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def _directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def _assert_policy(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = _directives(header)
    assert directives == EXPECTED
    for weakening in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'sha256-"):
        assert weakening not in header


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/campaigns/",
        "/dashboard/campaigns/create/",
        "/dashboard/campaigns/templates/",
        "/dashboard/audience/contacts/",
        "/dashboard/audience/segments/",
        "/dashboard/messaging/senders/",
        "/accounts/api-keys/",
        "/api/docs",
    ],
)
def test_every_page_carries_the_policy(client, account, make_member, path):
    client.force_login(make_member(account, Role.OWNER))

    response = client.get(path)

    assert response.status_code == 200
    _assert_policy(response)
    # the clickjacking header stays beside frame-ancestors, for browsers without CSP 2
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_login_page_and_the_admin_carry_the_policy(client, account, make_member):
    _assert_policy(client.get("/accounts/login/"))
    staff = make_member(account, Role.OWNER)
    staff.is_staff = staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(staff)

    _assert_policy(client.get("/admin/"))
    _assert_policy(client.get("/admin/campaigns/campaign/"))


@pytest.mark.django_db
def test_api_answers_carry_the_policy(client, api):
    ok = api.get("/api/campaigns")
    refused = client.get("/api/campaigns", HTTP_AUTHORIZATION="Bearer cmp_wrong")
    missing = api.get("/api/campaigns/999999")

    assert (ok.status_code, refused.status_code, missing.status_code) == (200, 401, 404)
    for response in (ok, refused, missing):
        _assert_policy(response)
    _assert_policy(client.get("/api/openapi.json"))


def _templates():
    files = sorted(TEMPLATES_DIR.rglob("*.html"))
    assert len(files) > 40, "the scan must see the project's templates"
    return [(path.relative_to(TEMPLATES_DIR), path.read_text(encoding="utf-8")) for path in files]


# An attribute named on<event> (onclick, onsubmit, ...); `data-on...` and `hx-on...` are
# different names, the latter caught below.
INLINE_HANDLER = re.compile(r"(?<![\w-])on[a-z]+\s*=", re.IGNORECASE)
HX_ON = re.compile(r"(?<![\w-])(?:data-)?hx-on", re.IGNORECASE)
INLINE_STYLE = re.compile(r"(?<![\w-])style\s*=|<style\b", re.IGNORECASE)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)
DATA_TYPES = ("application/json", "application/ld+json")


def _inline_scripts(text: str) -> list[str]:
    found = []
    for attrs, body in SCRIPT.findall(text):
        is_data = any(f'type="{kind}"' in attrs for kind in DATA_TYPES)
        if body.strip() and not is_data:
            found.append(body.strip()[:60])
        if "src=" not in attrs and not is_data:
            found.append(f"<script{attrs}> without src")
    return found


def test_no_template_carries_inline_script_handlers_or_styles():
    problems = []
    for name, text in _templates():
        for pattern, what in (
            (INLINE_HANDLER, "inline event handler"),
            (HX_ON, "hx-on (needs eval)"),
            (INLINE_STYLE, "inline style"),
            (JAVASCRIPT_URL, "javascript: URL"),
        ):
            problems += [f"{name}: {what} {m.group(0)!r}" for m in pattern.finditer(text)]
        problems += [f"{name}: inline script {s!r}" for s in _inline_scripts(text)]

    assert problems == []


def test_the_scan_finds_what_it_looks_for():
    # given markup of each forbidden kind, as a template could write it
    bad = (
        "<form onsubmit=\"return confirm('x')\"><select ONCHANGE='this.form.submit()'>"
        '<div hx-on::after-request="x()" style="width: 5%"></div><style>p{}</style>'
        '<a href="javascript:void(0)">x</a><script>alert(1)</script>'
    )
    fine = (
        '<form data-confirm="Delete?" data-once="1"><button aria-controls="x">'
        '<script src="/static/js/confirm.js" defer></script>'
        '<script type="application/json" id="cfg">{"a": 1}</script>'
    )

    assert len(INLINE_HANDLER.findall(bad)) == 2
    assert len(HX_ON.findall(bad)) == 1
    assert len(INLINE_STYLE.findall(bad)) == 2
    assert len(JAVASCRIPT_URL.findall(bad)) == 1
    assert _inline_scripts(bad)
    for pattern in (INLINE_HANDLER, HX_ON, INLINE_STYLE, JAVASCRIPT_URL):
        assert not pattern.findall(fine)
    assert _inline_scripts(fine) == []


def test_no_script_builds_code_from_strings_or_writes_style_attributes():
    # eval-like calls need 'unsafe-eval'; a style attribute written from a script is refused
    # by style-src 'self' (setting element.style.width is allowed, and is what to use)
    forbidden = re.compile(
        r"\beval\(|new Function\(|setAttribute\(\s*['\"]style"
        r"|\.innerHTML\s*=\s*[^\"';]*<[^>]*style=",
    )
    ours = [p for d in STATIC_JS_DIRS for p in d.rglob("*.js")]
    assert ours
    problems = [
        f"{p.relative_to(settings.BASE_DIR)}: {m.group(0)}"
        for p in ours
        for m in forbidden.finditer(p.read_text(encoding="utf-8"))
    ]

    assert problems == []
