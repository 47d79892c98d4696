"""SMS counting against references we did not write: the examples of Twilio's own segment
calculator, the GSM 03.38 table as the ``gsm0338`` codec (PyPI) encodes it, and the segment
splitting of ``smsutil`` (PyPI)."""

from decimal import Decimal

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec
import pytest
import smsutil
from hypothesis import given, settings
from hypothesis import strategies as st

from messaging.sms_segments import (
    BODY_MAX_LENGTH,
    GSM7,
    GSM7_BASIC,
    GSM7_EXTENSION,
    GSM7_TABLE,
    UCS2,
    body_length_problem,
    sms_count,
)

DIGITS = "2345678901" * 20


@pytest.mark.parametrize(
    ("body", "encoding", "segments"),
    [
        # The four examples of Twilio's message-segment-calculator test suite (tests/index.test.js).
        ("{" + DIGITS[:158], GSM7, 1),
        ("{" + DIGITS[:159], GSM7, 2),
        ("😜" + DIGITS[:68], UCS2, 1),
        ("😜" + DIGITS[:69], UCS2, 2),
    ],
)
def test_twilio_calculator_examples(body, encoding, segments):
    count = sms_count(body)
    assert (count.encoding, count.segments) == (encoding, segments)


@pytest.mark.parametrize(
    ("body", "units", "segments", "per_segment"),
    [
        ("a" * 160, 160, 1, 160),
        ("a" * 161, 161, 2, 153),
        ("a" * 306, 306, 2, 153),
        ("a" * 307, 307, 3, 153),
        ("€" * 80, 160, 1, 160),
        ("€" * 81, 162, 2, 153),
        # 152 septets, then an escape sequence that does not fit: it opens the second segment.
        ("a" * 152 + "€" + "a" * 152, 306, 3, 153),
        ("ж" * 70, 70, 1, 70),
        ("ж" * 71, 71, 2, 67),
        ("ж" * 134, 134, 2, 67),
        ("ж" * 135, 135, 3, 67),
        # A surrogate pair is never split either.
        ("ж" * 66 + "😀" + "ж" * 66, 134, 3, 67),
        ("", 0, 0, 160),
    ],
)
def test_segment_boundaries(body, units, segments, per_segment):
    count = sms_count(body)
    assert (count.units, count.segments, count.per_segment) == (units, segments, per_segment)


def test_one_character_outside_gsm7_makes_the_whole_body_ucs2():
    count = sms_count("Sale today – 20% off “everything”")
    assert count.encoding == UCS2
    assert count.non_gsm == ("–", "“", "”")
    assert count.units == count.characters == 33


def test_our_table_is_the_gsm0338_codecs():
    # given the codec's own decoding of every septet and of every escape sequence
    basic = bytes(b for b in range(128) if b != 0x1B).decode("gsm03.38")
    extension = {c for c in map(chr, range(0x10000)) if len(_gsm_encoded(c) or b"") == 2}
    # then
    assert GSM7_TABLE.replace("\x1b", "") == basic
    assert GSM7_BASIC == set(basic)
    assert GSM7_EXTENSION == extension


def _gsm_encoded(text: str) -> bytes | None:
    try:
        return text.encode("gsm03.38")
    except UnicodeEncodeError:
        return None


GSM_ALPHABET = "".join(sorted(GSM7_BASIC | GSM7_EXTENSION))
# Unicode text without the escape character itself, which the codec maps like a letter, and
# without lone surrogates, which no request can carry.
CHARACTER = st.characters(exclude_characters="\x1b", exclude_categories=("Cs",))
ANY_TEXT = st.text(alphabet=CHARACTER, min_size=1, max_size=400)
GSM_TEXT = st.text(alphabet=GSM_ALPHABET, min_size=1, max_size=400)


def _near_boundaries(alphabet: str, room: int):
    """Text whose length is within a few characters of a segment boundary, where counting
    errors show (random lengths almost never land there)."""
    lengths = st.builds(lambda k, d: max(1, k * room + d), st.integers(1, 11), st.integers(-4, 4))
    return lengths.flatmap(lambda n: st.text(alphabet=alphabet, min_size=n, max_size=n))


NEAR_GSM = _near_boundaries(GSM_ALPHABET, 153)
NEAR_UCS2 = _near_boundaries("жabc😀€", 67)
MIXED_TEXT = st.builds(
    lambda gsm, other, at: gsm[:at] + other + gsm[at:],
    GSM_TEXT,
    st.text(CHARACTER, min_size=1, max_size=3),
    st.integers(0, 400),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(ANY_TEXT, GSM_TEXT, MIXED_TEXT))
def test_encoding_and_septets_agree_with_the_gsm0338_codec(text):
    encoded = _gsm_encoded(text)
    count = sms_count(text)
    if encoded is None:
        assert count.encoding == UCS2
        assert count.units == len(text.encode("utf-16-le")) // 2
    else:
        assert count.encoding == GSM7
        assert count.units == len(encoded)


@settings(max_examples=600, deadline=None)
@given(st.one_of(ANY_TEXT, GSM_TEXT, MIXED_TEXT, NEAR_GSM, NEAR_UCS2))
def test_segments_agree_with_smsutil(text):
    reference = smsutil.split(text)
    count = sms_count(text)
    assert count.encoding == (GSM7 if reference.encoding == "gsm0338" else UCS2)
    assert count.segments == len(reference.parts)


def test_limit_is_the_encoded_length():
    assert body_length_problem("a" * BODY_MAX_LENGTH) == ""
    assert "1,601" in body_length_problem("a" * (BODY_MAX_LENGTH + 1))
    # 800 euro signs are 1,600 septets; one more is over, though only 801 characters.
    assert body_length_problem("€" * 800) == ""
    assert "21617" in body_length_problem("€" * 801)
    assert "UCS-2" in body_length_problem("😀" * 801)


def test_cost_is_segments_times_the_price():
    count = sms_count("a" * 161)
    assert count.cost(Decimal("0.0079")) == Decimal("0.0158")
    assert count.cost(None) is None
