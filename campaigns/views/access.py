"""Loading the campaign named in a URL: the account's own or a 404."""

from collections.abc import Callable
from functools import wraps
from typing import Any, overload

from django.http import Http404, HttpResponseBase

from accounts.request import AccountRequest
from campaigns.selectors import campaign_get
from core.errors import NotFound

# The view takes ``(request, campaign, …)``; Django calls the wrapper with the URL's
# ``campaign_id`` instead, so the two signatures differ and neither is more than a view.
View = Callable[..., HttpResponseBase]


@overload
def with_campaign(view: View, /) -> View: ...
@overload
def with_campaign(
    view: None = None, /, *, include_deleted: bool = False
) -> Callable[[View], View]: ...
def with_campaign(
    view: View | None = None, /, *, include_deleted: bool = False
) -> View | Callable[[View], View]:
    """Replace the ``campaign_id`` URL argument with the request account's campaign.

    Another account's id and a missing id give the same 404, so a page never confirms that
    someone else's campaign exists. Use under ``member_required`` (it needs request.account).
    """

    def decorator(func: View) -> View:
        @wraps(func)
        def wrapper(
            request: AccountRequest, campaign_id: int, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            try:
                campaign = campaign_get(
                    account=request.account,
                    campaign_id=campaign_id,
                    include_deleted=include_deleted,
                )
            except NotFound as exc:
                raise Http404(exc.message) from None
            return func(request, campaign, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
