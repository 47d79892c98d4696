"""Where files live: the public media root, and a private root that no URL serves.

Public media (``MEDIA_ROOT``) holds only what providers must fetch: the pictures and
documents a campaign sends, in ``PUBLIC_MEDIA_FOLDER``. Everything else a person uploads
(contact imports, their rejected rows) goes to ``PrivateStorage`` under
``PRIVATE_MEDIA_ROOT`` and leaves it only through a view that checks who asks. Both kinds get
random names, so a name seen once says nothing about the next one.
"""

import os
import secrets
from typing import Any, NoReturn

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils import timezone

# The only folder of MEDIA_ROOT that is served (``config/urls.py`` under DEBUG; the web server
# in production).
PUBLIC_MEDIA_FOLDER = "campaign-media"


class PrivateStorage(FileSystemStorage):
    """Files on disk under ``PRIVATE_MEDIA_ROOT`` that have no URL.

    ``url()`` raises instead of answering a path under ``MEDIA_URL``: a template or admin page
    that tried to link such a file would otherwise publish an address that, served or not,
    names personal data. The root is read from the settings at each use (not cached), so a
    test that points it elsewhere is followed. Files and folders are readable by their owner
    only.
    """

    # Set by FileSystemStorage's __init__; django-stubs does not declare it.
    _location: str | None

    def __init__(self, location: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(location=location, **kwargs)

    @property
    def base_location(self) -> str:
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> NoReturn:
        raise ValueError(
            f"{name} is a private file: it has no URL; a view that checks access serves it."
        )


def private_storage() -> Storage:
    """The ``private`` entry of ``STORAGES`` (a callable, so migrations name no instance)."""
    return storages["private"]


def random_name(folder: str, extension: str) -> str:
    """``<folder>/<yyyy>/<mm>/<32 random hex>.<extension>``: nothing of the uploader's file
    name, the account or a sequence, so names cannot be guessed from one another."""
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"
