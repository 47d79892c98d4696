"""Staff forms cannot link one account's rows to another's."""

import pytest
from django.urls import reverse

from audience import ports
from tests.admin.formdata import change_form_data
from tests.factories import CampaignFactory, ContactFactory, SegmentFactory, TagFactory


@pytest.mark.django_db
def test_a_contact_cannot_get_another_accounts_tag(admin_client, account, other_account):
    # given a contact of one account and a tag of each account
    contact = ContactFactory(account=account)
    own = TagFactory(account=account, name="own-tag")
    foreign = TagFactory(account=other_account, name="rival-tag")
    url = reverse("admin:audience_contact_change", args=[contact.pk])

    # when staff tag the contact with both
    data = change_form_data(admin_client.get(url), tags=[str(own.pk), str(foreign.pk)])
    response = admin_client.post(url, data)

    # then the form is refused, naming the stranger, and nothing changes
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["tags"] == [
        "Belongs to another account: rival-tag."
    ]
    assert not contact.tags.exists()


@pytest.mark.django_db
def test_a_campaign_cannot_target_another_accounts_segment(admin_client, account, other_account):
    campaign = CampaignFactory(account=account, name="Own campaign")
    foreign = SegmentFactory(account=other_account, name="Rival segment")
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])

    data = change_form_data(admin_client.get(url), segments=[str(foreign.pk)], name="Changed")
    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Belongs to another account: Rival segment." in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.name == "Own campaign"
    assert not campaign.segments.exists()


@pytest.mark.django_db
def test_same_account_links_are_saved(admin_client, account):
    contact = ContactFactory(account=account)
    tag = TagFactory(account=account, name="newsletter")
    url = reverse("admin:audience_contact_change", args=[contact.pk])

    data = change_form_data(admin_client.get(url), tags=[str(tag.pk)])
    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert list(contact.tags.all()) == [tag]


@pytest.mark.django_db
def test_a_tag_given_in_the_admin_is_announced_like_any_other(admin_client, account):
    # given a contact tagged vip, and a listener for new tags
    contact = ContactFactory(account=account)
    vip = TagFactory(account=account, name="vip")
    new = TagFactory(account=account, name="new")
    contact.tags.add(vip)
    heard = []

    def receiver(sender, account, pairs, **kwargs):
        heard.extend(pairs)

    ports.tags_added.connect(receiver)
    url = reverse("admin:audience_contact_change", args=[contact.pk])

    # when staff keep vip and add new
    try:
        data = change_form_data(admin_client.get(url), tags=[str(vip.pk), str(new.pk)])
        response = admin_client.post(url, data)
    finally:
        ports.tags_added.disconnect(receiver)

    # then only the new link is announced
    assert response.status_code == 302
    assert heard == [(contact.pk, new.pk)]
