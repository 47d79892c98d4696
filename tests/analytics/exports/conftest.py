import pytest

from tests.analytics.exports.world import World, build_world


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Exports go to a private root of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world(account) -> World:
    return build_world(account)
