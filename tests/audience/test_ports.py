"""Audience's ports: the apps above fill them at start-up, and an empty one fails loudly
rather than answering "nobody" (which would quietly change who a campaign reaches)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from analytics import engagement
from audience import ports
from audience.builder import builder_config
from audience.filters import filters_compile
from audience.models import Segment
from audience.selectors import AudienceSpec, audience_contacts
from audience.services.segments import segment_delete
from campaigns import audience_provider
from delivery import audience_provider as delivery_provider
from tests.factories import SegmentFactory


def _engaged(days: int = 7) -> dict:
    return {
        "op": "and",
        "rules": [{"field": "engagement", "operator": "clicked", "value": {"withinDays": days}}],
    }


def test_the_apps_above_fill_every_port():
    assert ports.campaign_directory.get() is audience_provider
    assert ports.engagement_condition.get() is engagement.contacts_engaged
    assert ports.messaged_since.get() is delivery_provider.contacts_messaged_since
    assert ports.segment_filters_changed.has_listeners(Segment)


def test_an_empty_port_names_the_app_that_should_fill_it():
    port = ports.Port("engagement condition", owner="analytics")
    with pytest.raises(ImproperlyConfigured, match="'analytics' app registers it"):
        port.get()


def test_a_port_takes_one_provider():
    # given a port with a provider
    port = ports.Port("messaged-since condition", owner="delivery")
    port.register(delivery_provider.contacts_messaged_since)
    # when the same one registers again, nothing changes
    port.register(delivery_provider.contacts_messaged_since)
    assert port.get() is delivery_provider.contacts_messaged_since
    # and a second, different one is refused
    with pytest.raises(ImproperlyConfigured, match="already implemented"):
        port.register(engagement.contacts_engaged)


@pytest.fixture
def empty(monkeypatch):
    """Replaces a port by an empty one for the test."""

    def empty_port(name: str) -> None:
        monkeypatch.setattr(ports, name, ports.Port(name, owner="its owner"))

    return empty_port


def test_an_engagement_rule_without_the_event_log_fails(account, empty):
    empty("engagement_condition")
    with pytest.raises(ImproperlyConfigured):
        filters_compile(_engaged(), account=account)


def test_a_campaign_rule_without_campaigns_fails(account, empty):
    empty("campaign_directory")
    tree = {
        "op": "and",
        "rules": [{"field": "engagement", "operator": "received", "value": {"campaignId": 1}}],
    }
    with pytest.raises(ImproperlyConfigured):
        filters_compile(tree, account=account)


def test_a_frequency_cap_without_the_messages_sent_fails(account, empty):
    empty("messaged_since")
    with pytest.raises(ImproperlyConfigured):
        audience_contacts(account=account, spec=AudienceSpec(frequency_cap_hours=24))


def test_the_builder_and_a_deletion_without_campaigns_fail(account, empty):
    segment = SegmentFactory(account=account)
    empty("campaign_directory")
    with pytest.raises(ImproperlyConfigured):
        builder_config(account=account)
    with pytest.raises(ImproperlyConfigured):
        segment_delete(segment=segment)
    assert Segment.objects.filter(pk=segment.pk).exists()
