"""The review step warns that an audience is empty, and publishing it is refused."""

import pytest

from campaigns.models import Campaign
from tests.factories import CampaignFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_the_review_warns_of_an_empty_audience_and_links_to_its_step(account, wclient):
    # given a complete draft whose only contact has unsubscribed
    ContactFactory(account=account, subscribed=False)
    draft = CampaignFactory(account=account, name="To nobody")

    # when its review step is opened
    edit = f"/dashboard/campaigns/{draft.pk}/edit/"
    wclient.get(edit)
    page = wclient.get(edit + "?step=review").content.decode()
    if "Step 6 of 6" not in page:  # the step bar jumps by posting the current step
        page = wclient.post(
            edit, {"campaign_wizard_edit-current_step": "basics", "wizard_goto_step": "review"}
        ).content.decode()

    # then the problem is listed with a link back to the audience step
    assert "Nobody is in this audience now" in page
    assert "audience" in page
    assert Campaign.objects.get(pk=draft.pk).status == Campaign.Status.DRAFT
