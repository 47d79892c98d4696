"""The sign-in throttle as an authentication backend (django-axes)."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come with a request.

    Every sign-in from a browser (our login page, the admin's) passes its request and is
    throttled. A call without one (a management command, the test client's ``login()``) is
    not a client guessing passwords, has no address to count, and would make axes raise
    instead of answering; it is left to the next backend.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Never a user: axes only raises for a locked-out sign-in (the next backend signs in)."""
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
