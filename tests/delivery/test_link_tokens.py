"""Tracked links' tokens: short, signed, and read back only when we signed them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from delivery.link_tokens import token_make, token_read

ids = st.integers(min_value=0, max_value=2**40)


@given(link=ids, recipient=ids)
def test_a_token_reads_back_its_ids(link, recipient):
    assert token_read(token_make(link, recipient)) == (link, recipient)


def test_a_token_is_short_enough_for_an_sms():
    # a million-recipient campaign's tokens: 15 characters, URL-safe
    token = token_make(12_345, 1_000_000)
    assert len(token) <= 16
    assert token.replace("-", "").replace("_", "").isalnum()


@given(text=st.text(max_size=60))
def test_anything_else_is_refused(text):
    # random text is never a token (a MAC guess succeeds about once in 2**48)
    assert token_read(text) is None


def test_a_changed_character_or_another_secret_is_refused(settings):
    token = token_make(1, 2)
    flipped = token[:3] + ("A" if token[3] != "A" else "B") + token[4:]
    assert token_read(flipped) is None
    assert token_read(token + "A") is None
    settings.SECRET_KEY = "another-secret-" + "x" * 40
    assert token_read(token) is None


def test_negative_ids_are_a_programming_error():
    with pytest.raises(ValueError, match="negative"):
        token_make(-1, 1)
