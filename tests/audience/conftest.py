import pytest


@pytest.fixture(autouse=True)
def _file_roots(settings, tmp_path):
    """Every file an audience test stores lands under its own temporary directory, the public
    media root and the private one apart, as in a real install."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
