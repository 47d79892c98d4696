from .request import CurrentAccountRequest
from .selectors import memberships_for_user


def current_account(request: CurrentAccountRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = request.membership
    if not membership:
        return {"current_membership": None, "current_account": None, "can": {}}
    return {
        "current_membership": membership,
        "current_account": membership.account,
        "user_memberships": memberships_for_user(user=user),
        "can": {p: membership.can(p) for p in ("edit", "send", "manage")},
    }
