"""URLs of the creation wizard and the preview page (included by campaigns/urls.py)."""

from django.urls import path

from campaigns.views_preview import (
    campaign_preview_view,
    campaign_test_send_view,
    test_contact_change_view,
)
from campaigns.wizard.partials import wizard_reach_view, wizard_zones_view
from campaigns.wizard.sms_counter import wizard_sms_count_view
from campaigns.wizard.views import CampaignWizardView

wizard = CampaignWizardView.as_view()

urlpatterns = [
    path("create/", wizard, name="create"),
    path("<int:campaign_id>/edit/", wizard, name="edit"),
    path("wizard/reach/", wizard_reach_view, name="wizard_reach"),
    path("<int:campaign_id>/wizard/zones/", wizard_zones_view, name="wizard_zones"),
    path("<int:campaign_id>/wizard/sms-count/", wizard_sms_count_view, name="wizard_sms_count"),
    path("<int:campaign_id>/preview/", campaign_preview_view, name="preview"),
    path("<int:campaign_id>/test-send/", campaign_test_send_view, name="test_send"),
    path("<int:campaign_id>/test-contacts/", test_contact_change_view, name="test_contacts"),
]
