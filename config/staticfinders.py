"""plotly.js served from the python ``plotly`` package, as ``vendor/plotly/plotly.min.js``.

The package ships the browser bundle (``plotly/package_data/plotly.min.js``), so the charts
need no CDN and no 4.8 MB copy in git, and the bundle always matches the installed version.
Only that one file is exposed: the package's folder also holds a 5 MB widget bundle and data
sets that ``collectstatic`` has no reason to copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
PREFIX = "vendor/plotly"
NAME = "plotly.min.js"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=PLOTLY_DIR)
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]  # read by collectstatic

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        found = str(PLOTLY_DIR / NAME) if path == f"{PREFIX}/{NAME}" else ""
        if kwargs.get("all", find_all):
            return [found] if found else []
        return found

    def list(self, ignore_patterns: list[str] | None) -> Iterator[tuple[str, FileSystemStorage]]:
        yield NAME, self.storage

    def check(self, **kwargs: Any) -> list:
        return []
