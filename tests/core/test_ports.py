"""A port runs the one implementation its owner registered, and refuses to run without it."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.ports import Port


def one() -> int:
    return 1


def two() -> int:
    return 2


def test_the_registered_implementation_is_the_one_called():
    port: Port = Port("the numbers", owner="numbers")
    port.register(one)
    port.register(one)  # an app's ready() may run again: harmless

    assert port.get()() == 1


def test_nothing_registered_is_a_wiring_mistake_named_with_its_owner():
    port: Port = Port("the numbers", owner="numbers")

    with pytest.raises(ImproperlyConfigured, match="'numbers' app registers it"):
        port.get()


def test_a_second_implementation_is_refused():
    port: Port = Port("the numbers", owner="numbers")
    port.register(one)

    with pytest.raises(ImproperlyConfigured, match="already implemented"):
        port.register(two)
    assert port.get() is one
