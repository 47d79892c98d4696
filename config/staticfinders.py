"""plotly.js served from the python ``plotly`` package, as ``vendor/plotly/plotly.min.js``.

The package ships the browser bundle (``plotly/package_data/plotly.min.js``), so the charts
need no CDN and no 4.8 MB copy in git, and the bundle always matches the installed version.
Only that one file is exposed: the package's folder also holds a 5 MB widget bundle and data
sets that ``collectstatic`` has no reason to copy.
"""

from __future__ import annotations

import builtins
import importlib.util
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, overload

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
NAME = "plotly.min.js"


def plotly_dir() -> Path:
    """The installed plotly package's ``package_data`` folder (found without importing it)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise ImproperlyConfigured("The python package plotly (a dependency) is not installed.")
    return Path(spec.origin).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=plotly_dir())
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]  # read by collectstatic

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...
    @overload
    def find(self, path: str, find_all: Literal[True]) -> builtins.list[str]: ...
    def find(
        self, path: str, find_all: bool = False, **kwargs: Any
    ) -> str | builtins.list[str] | None:
        found = str(plotly_dir() / NAME) if path == f"{PREFIX}/{NAME}" else None
        if kwargs.get("all", find_all):  # Django 5.2 still passes the old name ``all``
            return [found] if found else []
        return found

    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, Any]]:
        yield NAME, self.storage

    def check(self, **kwargs: Any) -> builtins.list[CheckMessage]:
        return []
