"""API-key guessing is throttled per client address: 429 in the API's error shape."""

import time

import pytest

from accounts.throttle import api_key_throttle_reset

URL = "/api/campaigns"
ATTACKER = "203.0.113.66"
NEIGHBOUR = "198.51.100.23"


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.API_KEY_FAILURE_LIMIT = 5
    settings.API_KEY_FAILURE_WINDOW = 300
    yield
    for address in (ATTACKER, NEIGHBOUR):
        api_key_throttle_reset(address=address)


def call(client, key, address):
    return client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR=address)


def test_a_brute_force_of_api_keys_gets_429(client, api_key):
    # when: 100 wrong keys, as in the report
    answers = [call(client, f"cmp_guess{i:03d}", ATTACKER) for i in range(100)]

    # then: the first ones are plain 401s, the rest 429 in the one error shape
    codes = [a.status_code for a in answers]
    assert codes[:5] == [401] * 5
    assert set(codes[5:]) == {429}
    refused = answers[-1]
    assert refused.json() == {
        "detail": refused.json()["detail"],
        "code": "too_many_failures",
        "errors": [],
    }
    assert "wrong API key" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 300
    # and a right guess from that address is refused too while the block lasts
    assert call(client, api_key, ATTACKER).status_code == 429


def test_a_valid_key_from_another_address_is_not_slowed(client, api_key):
    for i in range(10):
        call(client, f"cmp_guess{i}", ATTACKER)
    assert call(client, "cmp_guess", ATTACKER).status_code == 429

    response = call(client, api_key, NEIGHBOUR)

    assert response.status_code == 200
    assert "items" in response.json()


def test_successful_calls_are_never_counted(client, api_key):
    for _ in range(20):
        assert call(client, api_key, ATTACKER).status_code == 200


def test_the_block_ends_with_its_window(client, api_key, settings):
    settings.API_KEY_FAILURE_WINDOW = 1
    for i in range(5):
        call(client, f"cmp_guess{i}", ATTACKER)
    assert call(client, api_key, ATTACKER).status_code == 429

    time.sleep(1.2)

    assert call(client, api_key, ATTACKER).status_code == 200


def test_the_429_is_documented_in_the_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()

    responses = schema["paths"]["/api/campaigns"]["get"]["responses"]
    assert "429" in responses
