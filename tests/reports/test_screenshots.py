"""Screenshots: only a PNG or JPEG of at most 5 MB that is nothing but an image is accepted; what
is kept is re-encoded without metadata; a refused file saves nothing at all."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, PngImagePlugin

from reports.models import ContentReport
from reports.screenshots import (
    NOT_AN_IMAGE,
    POLYGLOT,
    clean_screenshot,
    open_screenshot,
    store_screenshot,
)
from tests.reports.conftest import image_bytes, stored_files, upload
from tests.snapshot import database_snapshot

# --- what is accepted, and what is kept -------------------------------------------------------------------


def test_a_png_is_re_encoded_without_its_text_chunks():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jordan Ellis, 123 Main Street")
    clean = clean_screenshot(upload(image_bytes("PNG", pnginfo=info)))
    assert (clean.content_type, clean.extension, clean.width, clean.height) == ("image/png", "png", 64, 48)
    kept = Image.open(io.BytesIO(clean.content))
    assert kept.format == "PNG" and kept.size == (64, 48)
    assert "Author" not in kept.info
    assert b"Main Street" not in clean.content


def test_a_jpeg_loses_its_exif_location_and_is_turned_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotated 90° clockwise
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (51.0, 2.0, 44.0)}  # GPS
    clean = clean_screenshot(upload(image_bytes("JPEG", size=(80, 40), exif=exif), "shot.jpg", "image/jpeg"))
    kept = Image.open(io.BytesIO(clean.content))
    assert clean.content_type == "image/jpeg" and kept.format == "JPEG"
    assert kept.size == (40, 80)  # upright
    assert not kept.getexif()
    assert b"PhoneMaker" not in clean.content


@pytest.mark.parametrize("mode", ["L", "LA", "P", "RGBA", "I;16"])
def test_pngs_of_every_colour_mode_are_accepted(mode):
    buffer = io.BytesIO()
    Image.new(mode, (10, 10)).save(buffer, format="PNG")
    clean = clean_screenshot(upload(buffer.getvalue()))
    assert Image.open(io.BytesIO(clean.content)).size == (10, 10)


def test_a_stored_screenshot_gets_a_random_name_and_reads_back(screenshots_folder):
    clean = clean_screenshot(upload(image_bytes()))
    name = store_screenshot(clean)
    assert name.endswith(".png") and len(name) == 36
    assert "shot" not in name  # never the uploaded file's name
    with open_screenshot(name) as handle:
        assert handle.read() == clean.content
    assert (screenshots_folder / name).stat().st_mode & 0o077 == 0  # for the portal's process only


# --- what is refused ---------------------------------------------------------------------------------------


def _png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_with_chunk_before_end(kind, body):
    png = image_bytes("PNG")
    end = png.rindex(b"IEND") - 4
    return png[:end] + _png_chunk(kind, body) + png[end:]


def _jpeg_with_comment(comment):
    jpeg = image_bytes("JPEG")
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:]


ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20 + b"payload.js"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"

REFUSED = {
    "text": (b"just some words, not a picture", NOT_AN_IMAGE),
    "html page": (HTML, NOT_AN_IMAGE),
    "empty file": (b"", NOT_AN_IMAGE),
    "cut-short png": (image_bytes("PNG")[:60], NOT_AN_IMAGE),
    "png signature, then nonsense": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, NOT_AN_IMAGE),
    "html in front of a png": (HTML + image_bytes("PNG"), NOT_AN_IMAGE),
    "gif": (image_bytes("GIF"), "Only PNG and JPEG screenshots are accepted; this file is a GIF image."),
    "webp": (image_bytes("WEBP"), "Only PNG and JPEG screenshots are accepted; this file is a WEBP image."),
    "bmp": (image_bytes("BMP"), "Only PNG and JPEG screenshots are accepted; this file is a BMP image."),
    "png + zip (polyglot)": (image_bytes("PNG") + ZIP, POLYGLOT),
    "png + html (polyglot)": (image_bytes("PNG") + HTML, POLYGLOT),
    "jpeg + zip (polyglot)": (image_bytes("JPEG") + ZIP, POLYGLOT),
    "jpeg + html (polyglot)": (image_bytes("JPEG") + HTML, POLYGLOT),
    "png text chunk with a script": (_png_with_chunk_before_end(b"tEXt", b"Comment\x00" + HTML), POLYGLOT),
    "png compressed text with a script": (
        _png_with_chunk_before_end(b"zTXt", b"Comment\x00\x00" + zlib.compress(HTML)),
        POLYGLOT,
    ),
    "jpeg comment with php": (_jpeg_with_comment(b"<?php system($_GET['c']); ?>"), POLYGLOT),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_file_that_is_not_only_a_png_or_jpeg_is_refused_with_a_clear_message(name):
    data, message = REFUSED[name]
    with pytest.raises(ValidationError) as refused:
        clean_screenshot(upload(data))
    assert refused.value.messages == [message]


def test_a_file_over_five_megabytes_is_refused_before_it_is_decoded(settings):
    big = upload(b"\x89PNG" + b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError, match="larger than 5 MB"):
        clean_screenshot(big)


@pytest.mark.parametrize("side", [7_000, 20_000])  # over the portal's limit; over Pillow's own
def test_a_decompression_bomb_is_refused(side):
    # Thousands of pixels a side of one colour compress to a few hundred kilobytes.
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 5 * 1024 * 1024
    with pytest.raises(ValidationError, match="more than 40 million pixels"):
        clean_screenshot(upload(buffer.getvalue()))


def test_trailing_padding_after_the_end_is_harmless():
    clean_screenshot(upload(image_bytes("PNG") + b"\n"))
    clean_screenshot(upload(image_bytes("JPEG") + b"\x00\x00", "a.jpg", "image/jpeg"))


# --- through the form: refused, nothing saved --------------------------------------------------------------


@pytest.mark.parametrize("name", ["text", "gif", "png + zip (polyglot)", "png text chunk with a script"])
def test_a_refused_screenshot_saves_no_report_and_no_file(name, org, client_for, screenshots_folder):
    data, message = REFUSED[name]
    client = client_for(org.employee)
    before, files = database_snapshot(), stored_files(screenshots_folder)
    response = client.post(
        "/reports/new/",
        {
            "kind": "impersonation",
            "url": "https://www.instagram.com/calgary_parks_official",
            "description": "Copies our logo.",
            "screenshot": upload(data, "evil.png"),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert database_snapshot() == before
    assert stored_files(screenshots_folder) == files


def test_a_too_large_screenshot_through_the_public_form_saves_nothing(db, client, screenshots_folder):
    before, files = database_snapshot(), stored_files(screenshots_folder)
    response = client.post(
        "/reports/public/",
        {
            "kind": "impersonation",
            "url": "https://www.instagram.com/calgary_parks_official",
            "description": "Copies the logo.",
            "screenshot": upload(b"\xff\xd8" + b"\x00" * (5 * 1024 * 1024 + 1), "big.jpg", "image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert "larger than 5 MB" in response.content.decode()
    assert database_snapshot() == before
    assert stored_files(screenshots_folder) == files


def test_a_report_that_fails_after_its_screenshot_was_stored_removes_the_file(
    org, screenshots_folder, monkeypatch, django_db_blocker
):
    from reports import services

    files = stored_files(screenshots_folder)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.file_report(
            acting_user=org.employee,
            kind="impersonation",
            url="https://x.com/calgarytransitt",
            description="Offers fake passes.",
            screenshot=clean_screenshot(upload(image_bytes())),
        )
    assert stored_files(screenshots_folder) == files
    assert not ContentReport.objects.exists()
