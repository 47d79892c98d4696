from .selectors import membership_for_session


class CurrentAccountMiddleware:
    """Puts ``request.membership`` and ``request.account`` (or None) on every request.

    Resolved eagerly (one indexed query for a signed-in user) so that ``request.account is
    None`` means what it says; API-key requests set both in the API's auth instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = membership_for_session(user=request.user, session=request.session)
        request.membership = membership
        request.account = membership.account if membership else None
        return self.get_response(request)
