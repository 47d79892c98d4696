import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PASSWORD = "pass-word-123"


@pytest.fixture
def signed_in(live_server, browser_page, marketer):
    """A browser page signed in as a marketer through the real login form."""
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", marketer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/campaigns/**")
    return page
