"""What accounts asks of the apps above it, without importing them (see ``core.ports``).

A new account gets its defaults from the apps that own them (analytics seeds its message
price table); the app registers the setup in its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from core.ports import Port

if TYPE_CHECKING:
    from accounts.models import Account

# What the implementation answers (how many rows it added) is not read.
account_setup: Port[Callable[[Account], object]] = Port(
    "the new account's defaults", owner="analytics"
)
