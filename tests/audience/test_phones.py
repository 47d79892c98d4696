import pytest

from audience.phones import InvalidPhone, phone_country_and_timezone, phone_normalise, phone_parse


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+33 6 12 34 56 78", "US", "+33612345678"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("0033612345678", "US", "+33612345678"),
        ("(212) 555-1234", "US", "+12125551234"),
        ("212.555.1234", "US", "+12125551234"),
        ("07911 123456", "GB", "+447911123456"),
        ("+49 30 901820", "FR", "+4930901820"),
        (" +14155552671 ", None, "+14155552671"),
    ],
)
def test_numbers_in_common_notations_become_e164(raw, region, expected):
    # when
    e164 = phone_normalise(raw, region=region)
    # then
    assert e164 == expected


@pytest.mark.parametrize(
    "raw", ["", "   ", "hello", "+33 12", "12345", "+999 1234567", "+1 555 0100 99999999", "x" * 50]
)
def test_invalid_numbers_are_rejected_with_a_message(raw):
    # when / then
    with pytest.raises(InvalidPhone) as error:
        phone_normalise(raw, region="FR")
    assert error.value.status_code == 422
    assert "phone" in error.value.message.lower() or "number" in error.value.message.lower()


def test_a_national_number_depends_on_the_default_region():
    # given a French national notation
    raw = "06 12 34 56 78"
    # then it is French read in France, and not a valid US number
    assert phone_normalise(raw, region="FR") == "+33612345678"
    with pytest.raises(InvalidPhone, match="default region US"):
        phone_normalise("612", region="US")


@pytest.mark.parametrize(
    ("e164", "country", "zone"),
    [
        ("+33612345678", "FR", "Europe/Paris"),
        ("+12125551234", "US", "America/New_York"),
        ("+14155552671", "US", "America/Los_Angeles"),
        ("+4930901820", "DE", "Europe/Berlin"),
        ("+819012345678", "JP", "Asia/Tokyo"),
        ("+5511987654321", "BR", "America/Sao_Paulo"),
    ],
)
def test_country_and_time_zone_come_from_the_number(e164, country, zone):
    # when
    derived = phone_country_and_timezone(e164)
    # then
    assert derived == (country, zone)


def test_a_non_geographic_number_has_no_country_nor_zone():
    # when
    parsed = phone_parse("+80012345678", region=None)
    # then
    assert parsed == ("+80012345678", "", "")


def test_country_and_time_zone_of_an_invalid_number_is_an_error():
    with pytest.raises(InvalidPhone):
        phone_country_and_timezone("+1")


def test_the_fast_paths_agree_with_phonenumbers_on_random_numbers():
    # given random numbers of every calling code, in several notations
    import random

    import phonenumbers
    from phonenumbers import timezone as pn_timezone

    rng = random.Random(20261125)
    codes = list(phonenumbers.COUNTRY_CODE_TO_REGION_CODE) + [1, 33, 44, 7, 39, 52, 54, 55] * 20
    for _ in range(20_000):
        body = ("0" if rng.random() < 0.2 else "") + str(rng.randint(10**4, 10**12))
        code = rng.choice(codes)
        raw = f"+{code}{body}" if rng.random() < 0.7 else f"+{code} {body[:3]} {body[3:]}"
        try:
            number = phonenumbers.parse(raw, "US")
            valid = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        # when
        try:
            parsed = phone_parse(raw, region="US")
        except InvalidPhone:
            parsed = None
        # then: same validity, same E.164, same country, same first zone
        assert (parsed is not None) == valid, raw
        if valid:
            assert parsed.e164 == phonenumbers.format_number(number, 0), raw
            assert (parsed.country or "001") == phonenumbers.region_code_for_number(number), raw
            zone = pn_timezone.time_zones_for_number(number)[0]
            if zone != "Etc/Unknown":
                assert parsed.timezone == zone, raw
