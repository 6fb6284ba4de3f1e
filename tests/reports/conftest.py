"""Fixtures of the content-report tests: a registry to match against, images to upload, and a
clean slate for the public form's rate limit."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import make_account


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """Each test starts with no public reports counted against its address."""
    cache.clear()
    yield


@pytest.fixture
def registry(org):
    """The City's accounts the matching tests compare with, as in the demo, and one former one."""
    accounts = {}
    for key, platform, handle, name, unit, status in [
        ("city", "instagram", "@cityofcalgary", "City of Calgary", org.csc_unit, "active"),
        ("city_x", "x", "@cityofcalgary", "City of Calgary", org.csc_unit, "active"),
        ("parks", "instagram", "@calgaryparks", "Calgary Parks", org.parks, "active"),
        ("transit", "x", "@calgarytransit", "Calgary Transit", org.transit, "active"),
        ("water", "x", "@yycwater", "Calgary Water", org.csc_unit, "active"),
        ("waterwise", "instagram", "@yycwaterwise", "YYC Water Conservation", org.csc_unit, "active"),
        ("linkedin", "linkedin", "city-of-calgary", "City of Calgary", org.csc_unit, "active"),
        ("mastodon", "mastodon", "@yyctransitalerts@mastodon.social", "Transit Alerts", org.transit, "active"),
        ("bluesky", "bluesky", "@cityofcalgary.bsky.social", "City of Calgary", org.csc_unit, "active"),
        ("snow", "x", "@yycsnowangels", "Calgary Parks Snow Angels", org.parks, "decommissioned"),
        ("closing", "facebook", "calgaryparksevents", "Calgary Parks Events", org.parks, "decommissioning"),
    ]:
        accounts[key] = make_account(
            platform=platform,
            handle=handle,
            display_name=name,
            business_unit=unit,
            accountable_manager=org.manager_emp,
            status=status,
            listed=status == "active",
        )
    return accounts


def image_bytes(fmt="PNG", size=(64, 48), mode="RGB", **save):
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 40) if mode == "RGB" else 128).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def upload(data, name="shot.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def screenshots_folder(settings):
    """The folder the test's screenshots are stored in."""
    from pathlib import Path

    return Path(settings.STORAGES["report_screenshots"]["OPTIONS"]["location"])


def stored_files(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []
