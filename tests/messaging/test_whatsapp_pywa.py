"""Our WhatsApp requests, field by field, against the ones the pywa SDK sends for the same
message (both captured by the loopback stand-in)."""

import pytest

from tests.factories import ContactFactory
from tests.messaging.whatsapp_cases import (
    CASE_IDS,
    CASES,
    CONTACT,
    PHONE_NUMBER_ID,
    pywa_spelling,
    send_ours,
    send_pywa,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_our_request_is_the_one_pywa_sends(case, account, whatsapp_sender, provider):
    # given the same message, built by us for a contact and written by hand for pywa
    contact = ContactFactory(account=account, **CONTACT)
    # when both send it to the stand-in
    ours = send_ours(case, sender=whatsapp_sender, provider=provider, contact=contact)
    ours_request = provider.requests[-1]
    theirs = send_pywa(case, provider=provider)
    theirs_request = provider.requests[-1]
    # then the bodies match field by field (pywa's capitals and numeric index aside)
    assert ours == pywa_spelling(theirs)
    # and both go to the number's messages endpoint with the bearer token
    assert ours_request.path.endswith(f"/{PHONE_NUMBER_ID}/messages")
    assert theirs_request.path.endswith(f"/{PHONE_NUMBER_ID}/messages")
    assert ours_request.headers["Authorization"] == theirs_request.headers["Authorization"]
