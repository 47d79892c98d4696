import os

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run under
# one unless told that it is safe (it is: the loop only drives the browser). The page itself
# comes from tests/conftest.py's ``browser_page``.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
