"""Loading the campaign named in a URL: the account's own or a 404."""

from functools import wraps

from django.http import Http404

from campaigns.selectors import campaign_get
from core.errors import NotFound


def with_campaign(view=None, *, include_deleted: bool = False):
    """Replace the ``campaign_id`` URL argument with the request account's campaign.

    Another account's id and a missing id give the same 404, so a page never confirms that
    someone else's campaign exists. Use under ``member_required`` (it needs request.account).
    """

    def decorator(func):
        @wraps(func)
        def wrapper(request, campaign_id, *args, **kwargs):
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
