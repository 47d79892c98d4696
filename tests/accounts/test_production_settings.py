"""A production start (DEBUG off) refuses a weak SECRET_KEY and a missing encryption key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management.utils import get_random_secret_key

from config.settings.base import DEVELOPMENT_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
STRONG = get_random_secret_key()


def manage_check(**env) -> subprocess.CompletedProcess:
    environ = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "campaigns.example.com",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (DEVELOPMENT_SECRET_KEY, "it is the development default"),
        ("s3cret-but-short", "it has 16 characters, fewer than 50"),
        ("abcd" * 20, "fewer than 5 different characters"),
        ("django-insecure-" + get_random_secret_key(), "it starts with 'django-insecure-'"),
    ],
)
def test_a_weak_secret_key_stops_the_start(key, reason):
    result = manage_check(SECRET_KEY=key)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is too weak for production" in result.stderr
    assert reason in result.stderr


def test_a_strong_secret_key_starts():
    result = manage_check(SECRET_KEY=STRONG)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_with_debug_on_the_development_key_is_fine():
    result = manage_check(DEBUG="1", SECRET_KEY=DEVELOPMENT_SECRET_KEY, FIELD_ENCRYPTION_KEYS="")

    assert result.returncode == 0, result.stderr


def test_a_missing_encryption_key_stops_the_start_with_its_name():
    result = manage_check(SECRET_KEY=STRONG, FIELD_ENCRYPTION_KEYS="")

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set" in result.stderr


def test_a_malformed_encryption_key_stops_the_start():
    result = manage_check(
        SECRET_KEY=STRONG, FIELD_ENCRYPTION_KEYS=f"{Fernet.generate_key().decode()},nope"
    )

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS: key 2 is not a Fernet key" in result.stderr
