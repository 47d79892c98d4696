"""Ports: how an app calls code that an app above it, or a sibling, owns.

The caller's side names the port and its signature; the owner registers the one
implementation from its ``AppConfig.ready()``, so no import goes up the layers or across the
siblings. A port left unregistered is a wiring mistake, not a reason to skip the work: using it
raises ``ImproperlyConfigured`` rather than dropping an event or an opt-out.
"""

from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Port(Generic[T]):
    def __init__(self, name: str, *, owner: str) -> None:
        self.name = name
        self.owner = owner
        self._implementation: T | None = None

    def register(self, implementation: T) -> None:
        """Install ``implementation``. Registering it again is harmless; another one is
        refused, since a port has one owner and a silent swap would send its calls elsewhere."""
        current = self._implementation
        if current is not None and current is not implementation:
            raise ImproperlyConfigured(f"{self.name} is already implemented by {current!r}.")
        self._implementation = implementation

    def get(self) -> T:
        if self._implementation is None:
            raise ImproperlyConfigured(
                f"Nothing implements {self.name}: the {self.owner!r} app registers it when it "
                "starts. Is it in INSTALLED_APPS?"
            )
        return self._implementation
