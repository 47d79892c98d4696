from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import QuerySet

from .models import Membership

SESSION_ACCOUNT_KEY = "account_id"


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("account").order_by("account__name")


def membership_for_session(
    *, user: User | AnonymousUser, session: SessionBase
) -> Membership | None:
    """The membership of the account chosen in this session, else the user's first one.

    The chosen id is re-checked against the user's memberships on every request, so a stale or
    forged session value can never reach another tenant.
    """
    if not user.is_authenticated:
        return None
    memberships = memberships_for_user(user=user)
    chosen = session.get(SESSION_ACCOUNT_KEY)
    if chosen is not None:
        membership = memberships.filter(account_id=chosen).first()
        if membership is not None:
            return membership
    return memberships.first()
