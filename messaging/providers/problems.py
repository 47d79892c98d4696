"""Account-level provider errors, in words a marketer can act on.

Adapters classify a refusal as account-level (``ProviderResult.account_error``) with one of
these keys; the send pipeline pauses the campaign with the sentence as its reason, and the
campaign's error log counts the key. The provider's own code and text follow the sentence in
the reason, for whoever talks to the provider's support.
"""

ACCOUNT_PROBLEMS = {
    "auth_failed": (
        "the provider refused the sender's credentials. Save the right ones on the sender, "
        "then resume the campaign."
    ),
    "wrong_number_id": (
        "WhatsApp does not know the sender's phone number id, or the access token cannot use "
        "it. Copy the phone number id from WhatsApp Manager into the sender, then resume the "
        "campaign."
    ),
    "permission_denied": (
        "the access token is not allowed to send WhatsApp messages for this number (the "
        "whatsapp_business_messaging permission is missing). Give the token that permission "
        "in Meta Business Manager, then resume the campaign."
    ),
    "account_locked": (
        "WhatsApp has locked the business account (a policy violation or an unfinished "
        "verification). Nothing can be sent until it is unlocked in Meta Business Manager; "
        "then resume the campaign."
    ),
    "account_blocked": (
        "WhatsApp has temporarily blocked the business account from sending because of "
        "policy violations. Wait until the block ends (Meta Business Manager shows when), "
        "then resume the campaign."
    ),
    "account_suspended": (
        "the SMS provider has suspended or closed the account. Reactivate it with the "
        "provider, then resume the campaign."
    ),
    "bad_from": (
        "the SMS provider cannot send from the sender's number: it is not an SMS-capable "
        "number of this provider account. Correct the From number on the sender, then resume "
        "the campaign."
    ),
    "address_refused": (
        "the sender's API base URL points to an address this installation refuses, so it "
        "was not contacted. Correct the URL on the sender, then resume the campaign."
    ),
    "redirect_refused": (
        "the provider answered with a redirect, which is never followed (it would carry the "
        "credentials elsewhere). Check the sender's API base URL, then resume the campaign."
    ),
}


UNKNOWN_PROBLEM = (
    "the provider refused every message of this sender. Check the sender's settings with the "
    "provider, then resume the campaign."
)

# Where a channel says it better (the sender's channel, ``Sender.Channel``).
CHANNEL_PROBLEMS = {
    ("auth_failed", "whatsapp"): (
        "WhatsApp refused the sender's access token: it expired, was revoked or was "
        "replaced. Generate a new token in Meta Business Manager, save it on the sender, then "
        "resume the campaign."
    ),
    ("auth_failed", "sms"): (
        "the SMS provider refused the sender's account SID and auth token. Correct them on "
        "the sender, then resume the campaign."
    ),
    ("auth_failed", "email"): (
        "the mail server refused the sender's user name and password. Correct them on the "
        "sender, then resume the campaign."
    ),
}


def account_problem(key: str, channel: str = "") -> str:
    """The sentence for ``key`` (told for ``channel`` where that says more); an unknown key
    still reads as a refusal of the account."""
    return CHANNEL_PROBLEMS.get((key, channel)) or ACCOUNT_PROBLEMS.get(key) or UNKNOWN_PROBLEM
