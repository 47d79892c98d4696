"""Phone numbers: E.164 normalisation, and the country and time zone a number belongs to.

Imports call this for every row, so the hot path parses a number once and asks the metadata
for its type once (the type decides both validity and the time-zone lookup).
"""

import re
from typing import NamedTuple

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberType
from phonenumbers.phonenumberutil import (
    COUNTRY_CODE_TO_REGION_CODE,
    _is_number_matching_desc,
    national_significant_number,
)
from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX

from audience.error_codes import AudienceErrorCode
from core.errors import ValidationFailed

_UNKNOWN_ZONE = "Etc/Unknown"
MAX_RAW_LENGTH = 40
_INTERNATIONAL = re.compile(r"^\+?[\d\s().-]+$")
_prefix_patterns: dict[int, re.Pattern[str] | None] = {}


class InvalidPhone(ValidationFailed):
    """A number that cannot be read as a valid phone number of any country."""

    code = AudienceErrorCode.INVALID_PHONE


class ParsedPhone(NamedTuple):
    e164: str
    country: str  # ISO 3166-1 alpha-2, "" for non-geographic numbers (+800 …)
    timezone: str  # first IANA zone of the number, "" when unknown


def _zone_for(e164: str, country_code: int, geographical: bool) -> str:
    # Same lookup as phonenumbers.timezone.time_zones_for_number, without re-deriving the
    # number type; a number whose own prefix has no zone falls back to its country's zones.
    digits = e164[1:] if geographical else str(country_code)
    for prefix_len in range(min(TIMEZONE_LONGEST_PREFIX, len(digits)), 0, -1):
        zones = TIMEZONE_DATA.get(digits[:prefix_len])
        if zones:
            if zones[0] != _UNKNOWN_ZONE:
                return zones[0]
            break
    if geographical:
        return _zone_for(e164, country_code, False)
    return ""


def _national_prefix(country_code: int) -> re.Pattern[str] | None:
    if country_code not in _prefix_patterns:
        region = phonenumbers.region_code_for_country_code(country_code)
        metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
        pattern = metadata.national_prefix_for_parsing if metadata else None
        _prefix_patterns[country_code] = re.compile(pattern) if pattern else None
    return _prefix_patterns[country_code]


def _parse_international(text: str) -> PhoneNumber | None:
    """``+<country code><national number>`` read without phonenumbers' general parser.

    Only the plain case: a national number that starts neither with 0 nor with the country's
    national prefix, where ``phonenumbers.parse`` would strip nothing. Anything else
    returns None and goes through ``phonenumbers.parse``; the result is validated the same way.
    """
    digits = "".join(ch for ch in text[1:] if ch.isdigit())
    for length in (1, 2, 3):
        country_code = int(digits[:length] or 0)
        if country_code in COUNTRY_CODE_TO_REGION_CODE:
            national = digits[length:]
            break
    else:
        return None
    if not 2 <= len(national) <= 17 or national[0] == "0":
        return None
    prefix = _national_prefix(country_code)
    if prefix is not None and prefix.match(national):
        return None
    return PhoneNumber(country_code=country_code, national_number=int(national))


_nanp_regions: dict[str, str | None] = {}


def _region_and_type(number: PhoneNumber) -> tuple[str | None, int]:
    """Region and type of a number, with two shortcuts over ``phonenumbers.number_type``.

    - North American numbers (+1) belong to one region per area code, so the region found for
      an area code is kept instead of testing some 25 regions' patterns every time;
    - fixed-line and mobile patterns (nearly every contact) are tried first; only a number
      matching neither goes through the full list of types.
    Validity is the same as ``phonenumbers.is_valid_number`` (checked over random numbers of
    every country in tests).
    """
    national = national_significant_number(number)
    if number.country_code == 1:
        area = national[:3]
        if area not in _nanp_regions:
            region = phonenumbers.region_code_for_number(number)
            if region is None:
                return None, PhoneNumberType.UNKNOWN
            _nanp_regions[area] = region
        region = _nanp_regions[area]
    else:
        region = phonenumbers.region_code_for_number(number)
    if region is None or number.country_code is None:  # (a parsed number has a country code)
        return None, PhoneNumberType.UNKNOWN
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(number.country_code, region)
    if metadata is None or not _is_number_matching_desc(national, metadata.general_desc):
        return region, PhoneNumberType.UNKNOWN
    if _is_number_matching_desc(national, metadata.fixed_line):
        if metadata.same_mobile_and_fixed_line_pattern or _is_number_matching_desc(
            national, metadata.mobile
        ):
            return region, PhoneNumberType.FIXED_LINE_OR_MOBILE
        return region, PhoneNumberType.FIXED_LINE
    if _is_number_matching_desc(national, metadata.mobile):
        return region, PhoneNumberType.MOBILE
    return region, phonenumbers.number_type(number)


def phone_parse(raw: object, *, region: str | None) -> ParsedPhone:
    """Read ``raw`` (any common notation) as a valid number; raise ``InvalidPhone`` if not.

    ``region`` is the ISO country used for numbers written without ``+<country code>``.
    """
    text = str(raw).strip() if raw is not None else ""
    if not text:
        raise InvalidPhone("Phone number is empty.")
    if len(text) > MAX_RAW_LENGTH:
        raise InvalidPhone("Phone number is too long.")
    if text.startswith("00"):
        text = "+" + text[2:]
    hint = "" if text.startswith("+") else f" (read with default region {region or '—'})"
    number = None
    if text.startswith("+") and _INTERNATIONAL.match(text):
        number = _parse_international(text)
    try:
        if number is None:
            number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(f"“{text}” is not a phone number{hint}.") from None
    country, number_type = _region_and_type(number)
    # A known type always comes with a region and a country code; the type checker is told.
    if number_type == PhoneNumberType.UNKNOWN or country is None or number.country_code is None:
        raise InvalidPhone(f"“{text}” is not a valid phone number{hint}.")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    geographical = phonenumbers.is_number_type_geographical(number_type, number.country_code)
    zone = _zone_for(e164, number.country_code, geographical)
    return ParsedPhone(e164, "" if country == "001" else country, zone)


def phone_normalise(raw: object, *, region: str | None) -> str:
    """``raw`` as E.164 (``+33612345678``); ``InvalidPhone`` (a 422) when it is not valid."""
    return phone_parse(raw, region=region).e164


def phone_country_and_timezone(e164: str) -> tuple[str, str]:
    """The ISO country and the first IANA time zone of a number (``""`` when unknown)."""
    parsed = phone_parse(e164, region=None)
    return parsed.country, parsed.timezone


# WhatsApp ids (``wa_id``) are the digits the account was registered with, which in two
# countries differ from the number's E.164 form today:
# - Brazil (+55) added a ninth digit to mobile numbers (2012-2016); accounts registered
#   before keep ``55 DD NNNNNNNN``, the number is ``+55 DD 9NNNNNNNN``. Only an old mobile
#   number (first digit 6-9) gains the nine: 8-digit numbers starting 2-5 are landlines, and
#   adding a nine to one would name another person's mobile.
# - Mexico (+52) dropped the ``1`` that mobile numbers carried after the country code
#   (2019-2020); wa_ids still carry it: ``52 1 XXXXXXXXXX`` is ``+52 XXXXXXXXXX``.
# The other direction (a wa_id with the nine or without the one) is the E.164 form itself.
_WA_ID_FORMS = (
    (re.compile(r"^55(\d{2})([6-9]\d{7})$"), r"55\g<1>9\g<2>"),
    (re.compile(r"^521(\d{10})$"), r"52\g<1>"),
)


def wa_id_candidates(wa_id: object) -> tuple[str, ...]:
    """The E.164 numbers a WhatsApp ``wa_id`` can stand for: its own digits first, then the
    other form of a Brazilian or Mexican mobile number when that form is a valid number.

    ``()`` when ``wa_id`` has no digits. Matching a contact on all of them finds a contact
    stored under either form; a candidate that is not a valid number matches nobody, since
    contacts are stored validated.
    """
    digits = "".join(ch for ch in str(wa_id or "") if ch.isdigit())
    if not digits:
        return ()
    candidates = [f"+{digits}"]
    for pattern, replacement in _WA_ID_FORMS:
        if pattern.match(digits):
            other = "+" + pattern.sub(replacement, digits)
            if _valid(other):
                candidates.append(other)
    return tuple(candidates)


def _valid(e164: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return False
