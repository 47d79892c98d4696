"""The sign-in throttle as an authentication backend (django-axes)."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come with a request.

    Every sign-in from a browser (our login page, the admin's) passes its request and is
    throttled. A call without one (a management command, the test client's ``login()``) is
    not a client guessing passwords, has no address to count, and would make axes raise
    instead of answering; it is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
