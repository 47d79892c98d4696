"""Contacts who opted out of e-mail or whose address bounced: e-mail audiences leave them out
(reach, sampling, materialisation: one query), other channels still reach them, the contact
page says so, and a bounce can be cleared."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audience.selectors import audience_queryset
from audience.services import contacts as contact_services
from audience.services.email_consent import contacts_email_bounced_mark
from campaigns.services import crud
from delivery.models import Recipient
from delivery.prepare import recipients_materialise
from messaging.models import Sender
from tests.factories import CampaignFactory, ContactFactory, SenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(account):
    now = timezone.now()
    return {
        "reachable": ContactFactory(account=account),
        "opted_out": ContactFactory(account=account, email_opted_out_at=now),
        "bounced": ContactFactory(
            account=account, email_bounced_at=now, email_bounce_reason="550 5.1.1 No such user"
        ),
        "unsubscribed": ContactFactory(account=account, subscribed=False),
    }


def _campaign(account, channel):
    return CampaignFactory(account=account, sender=SenderFactory(account=account, channel=channel))


def test_email_audiences_leave_out_opted_out_and_bounced_contacts(account, people):
    email = _campaign(account, Sender.Channel.EMAIL)
    whatsapp = _campaign(account, Sender.Channel.WHATSAPP)

    assert set(audience_queryset(campaign=email)) == {people["reachable"]}
    # The e-mail opt-out and the bounce are e-mail's only.
    assert set(audience_queryset(campaign=whatsapp)) == {
        people["reachable"],
        people["opted_out"],
        people["bounced"],
    }


def test_even_with_every_exclusion_switched_off(account, people):
    email = _campaign(account, Sender.Channel.EMAIL)
    email.exclude_unsubscribed = email.exclude_suppressed = False
    email.save()

    assert set(audience_queryset(campaign=email)) == {people["reachable"], people["unsubscribed"]}


def test_materialising_an_email_campaign_skips_them(account, people):
    campaign = _campaign(account, Sender.Channel.EMAIL)

    inserted = recipients_materialise(campaign=campaign)

    assert inserted == 1
    assert list(Recipient.objects.filter(campaign=campaign).values_list("contact", flat=True)) == [
        people["reachable"].pk
    ]


def test_choosing_an_email_sender_recounts_the_reach(account, people, user):
    campaign = _campaign(account, Sender.Channel.WHATSAPP)
    crud.campaign_update(campaign=campaign, actor=user, data={"name": "x"}, partial=True)
    email_sender = SenderFactory(account=account, channel=Sender.Channel.EMAIL)

    crud.campaign_update(
        campaign=campaign, actor=user, data={"sender_id": email_sender.pk}, partial=True
    )

    campaign.refresh_from_db()
    assert campaign.estimated_reach == 1


def test_marking_bounces_keeps_the_first_reason(account):
    a, b = ContactFactory(account=account), ContactFactory(account=account)

    changed = contacts_email_bounced_mark(bounces=[(a.pk, "550 first"), (b.pk, "551 other")])
    again = contacts_email_bounced_mark(bounces=[(a.pk, "550 second")])

    assert (changed, again) == (2, 0)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.email_bounce_reason, b.email_bounce_reason) == ("550 first", "551 other")


def test_a_new_address_clears_the_bounce_the_same_one_keeps_it(account, people):
    bounced = people["bounced"]
    contact_services.contact_update(contact=bounced, data={"email": bounced.email.upper()})
    bounced.refresh_from_db()
    assert bounced.email_bounced_at is not None

    contact_services.contact_update(contact=bounced, data={"email": "new@example.org"})
    bounced.refresh_from_db()
    assert (bounced.email_bounced_at, bounced.email_bounce_reason) == (None, "")


def test_the_contact_page_shows_it_and_a_marketer_clears_the_bounce(client, make_member, people):
    bounced, opted_out = people["bounced"], people["opted_out"]
    client.force_login(make_member(bounced.account, Role.MARKETER))

    page = client.get(reverse("audience:contact_detail", args=[bounced.pk])).content.decode()
    other = client.get(reverse("audience:contact_detail", args=[opted_out.pk])).content.decode()

    assert "E-mail bounced" in page
    assert "550 5.1.1 No such user" in page
    assert "Clear the bounce" in page
    assert "Unsubscribed from e-mail" in other
    assert "Clear the bounce" not in other

    response = client.post(reverse("audience:contact_email_bounce_clear", args=[bounced.pk]))

    assert response.status_code == 302
    bounced.refresh_from_db()
    assert bounced.email_bounced_at is None
    email = _campaign(bounced.account, Sender.Channel.EMAIL)
    assert bounced in set(audience_queryset(campaign=email))


def test_a_viewer_sees_it_but_cannot_clear_it(client, make_member, people):
    bounced = people["bounced"]
    client.force_login(make_member(bounced.account, Role.VIEWER))

    page = client.get(reverse("audience:contact_detail", args=[bounced.pk])).content.decode()
    response = client.post(reverse("audience:contact_email_bounce_clear", args=[bounced.pk]))

    assert "E-mail bounced" in page
    assert "Clear the bounce" not in page
    assert response.status_code == 403
    bounced.refresh_from_db()
    assert bounced.email_bounced_at is not None


def test_another_accounts_contact_is_404(client, make_member, account, other_account):
    stranger = ContactFactory(
        account=other_account, email_bounced_at=timezone.now(), email_bounce_reason="x"
    )
    client.force_login(make_member(account, Role.OWNER))

    response = client.post(reverse("audience:contact_email_bounce_clear", args=[stranger.pk]))

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.email_bounced_at is not None


def test_the_api_shows_both(api, people):
    body = api.get(f"/api/contacts/{people['bounced'].pk}").json()
    assert body["emailBouncedAt"] is not None
    assert body["emailBounceReason"] == "550 5.1.1 No such user"
    assert body["emailOptedOutAt"] is None
    other = api.get(f"/api/contacts/{people['opted_out'].pk}").json()
    assert other["emailOptedOutAt"] is not None
