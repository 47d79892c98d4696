"""The fuzz gate: schemathesis drives every operation of ``/api/openapi.json``.

It fails on any 5xx and on any answer the schema does not describe (an undocumented status,
a body that breaks its schema, a wrong content type). It runs in-process through the WSGI
application on the suite's database, so CI runs it on both legs (SQLite and PostgreSQL) with
``make test``; ``make fuzz`` runs only this. The run is bounded and repeatable: a fixed seed,
a fixed number of examples per operation, deterministic generation.

Requests carry the API key (role owner) of an account seeded with contacts, segments, a
template, a sender and campaigns in several states, and path ids are drawn from that
account's rows as often as at random, so generated writes reach the real handlers and
services, not only their 404s.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Role
from accounts.services import api_key_create
from audience.models import SuppressionEntry
from campaigns.models import Campaign
from delivery.models import Recipient
from tests.factories import (
    CampaignFactory,
    ContactFactory,
    MessageTemplateFactory,
    SegmentFactory,
    SenderFactory,
    VariantFactory,
)

# Schemathesis generates and sends cases for every operation of the API.
pytestmark = pytest.mark.slow

SEED = 20261130
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"deterministic": True, "max-examples": MAX_EXAMPLES},
    }
)


# The seeded rows' ids by path parameter name; ``fuzz_world`` fills it for the hook below.
SEEDED_IDS: dict[str, list[int]] = {}

# Loaded once, at collection, from the application itself (no server, no database query).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=CONFIG)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half the time, the ids of the seeded account's rows instead of random ones."""
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    choices = {
        name: st.sampled_from(SEEDED_IDS[name]) for name in path_parameters if SEEDED_IDS.get(name)
    }
    if not choices:
        return st.just(path_parameters)
    return st.one_of(
        st.just(path_parameters),
        st.fixed_dictionaries(choices).map(lambda real: {**path_parameters, **real}),
    )


@pytest.fixture
def _one_connection():
    """Keep the test's database connection across requests, as Django's test client does:
    the WSGI handler would otherwise close it at each request's end, inside the test's
    transaction (PostgreSQL: "the connection is closed")."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_key(db, account, _one_connection):
    """The owner's API key of an account with something behind every kind of id."""
    sender = SenderFactory(account=account)
    template = MessageTemplateFactory(account=account, name="spring_sale")
    contacts = [ContactFactory(account=account) for _ in range(5)]
    segment = SegmentFactory(account=account, name="VIP")
    draft = CampaignFactory(account=account, sender=sender, name="Draft")
    VariantFactory(campaign=draft, key="A")
    running = CampaignFactory(
        account=account,
        sender=sender,
        name="Running",
        status=Campaign.Status.RUNNING,
        started_at=timezone.now(),
    )
    Recipient.objects.bulk_create(
        [Recipient(account=account, campaign=running, contact=c) for c in contacts]
    )
    entry = SuppressionEntry.objects.create(account=account, phone="+14155550199")
    _, key = api_key_create(account=account, name="fuzz", role=Role.OWNER)
    SEEDED_IDS.clear()
    SEEDED_IDS.update(
        {
            "campaignId": [draft.pk, running.pk],
            "templateId": [template.pk],
            "contactId": [c.pk for c in contacts],
            "segment_id": [segment.pk],
            "entry_id": [entry.pk],
            "sender_id": [sender.pk],
        }
    )
    yield key
    SEEDED_IDS.clear()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented_and_never_5xx(case, fuzz_key):
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_key}"}, checks=CHECKS
    )
    if os.environ.get("FUZZ_STATS"):
        with open(os.environ["FUZZ_STATS"], "a") as f:
            f.write(f"{case.method} {case.path} {response.status_code}\n")
