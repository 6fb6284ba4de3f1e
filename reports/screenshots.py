"""Screenshots attached to reports: checked, cleaned, and kept where no URL reaches them.

A screenshot is accepted only if it is a PNG or JPEG of at most 5 MB
(settings.REPORT_SCREENSHOT_MAX_BYTES) that Pillow decodes completely, and if it is *only* an
image: nothing after the image's end, and no web page, script or archive in its metadata (a
"polyglot" file that is an image to one program and something else to another). What is kept is
a re-encoding of the decoded pixels, so no metadata (location, camera, comments) survives.
Files live in the private storage `settings.STORAGES["report_screenshots"]` under a random name.
"""

import io
import struct
import uuid
import warnings
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from PIL import Image, ImageOps, UnidentifiedImageError

#: The most pixels a screenshot may have (a decompression bomb has billions).
MAX_PIXELS = 40_000_000
#: Kinds accepted, as Pillow names them, with their media type and file extension.
FORMATS = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg")}
#: What active content looks like, wherever a picture's metadata could carry it.
ACTIVE_CONTENT = (
    b"<script",
    b"<html",
    b"<!doctype",
    b"<body",
    b"<iframe",
    b"<svg",
    b"<?php",
    b"javascript:",
    b"%pdf-",
    b"pk\x03\x04",
)

TOO_LARGE = "The screenshot is larger than {limit}. Crop it, or save it as a JPEG, and try again."
NOT_AN_IMAGE = "This file is not a PNG or JPEG image. Upload a screenshot saved as PNG or JPEG."
WRONG_FORMAT = "Only PNG and JPEG screenshots are accepted; this file is a {found} image."
TOO_MANY_PIXELS = "The image is too large: more than 40 million pixels. Upload a screenshot of the screen only."
POLYGLOT = (
    "This file is an image with something else hidden in it (a “polyglot” file), so it was not accepted. "
    "Take a new screenshot and upload that."
)


@dataclass(frozen=True)
class CleanScreenshot:
    """A screenshot's re-encoded bytes, ready to store."""

    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def clean_screenshot(upload) -> CleanScreenshot:
    """Check an uploaded file and re-encode it, or raise ValidationError saying what is wrong."""
    limit = settings.REPORT_SCREENSHOT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(TOO_LARGE.format(limit=_megabytes(limit)), code="too_large")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(TOO_LARGE.format(limit=_megabytes(limit)), code="too_large")
    if not data:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image")
    image = _decode(data)
    hides_something = _png_hides_something if image.format == "PNG" else _jpeg_hides_something
    if hides_something(data):
        raise ValidationError(POLYGLOT, code="polyglot")
    return _reencode(image)


def _decode(data: bytes) -> Image.Image:
    """The image, decoded completely: refuses what is not a PNG or JPEG, too many pixels, and
    files that are cut short or corrupt."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=None)
            if image.format not in FORMATS:
                raise ValidationError(WRONG_FORMAT.format(found=image.format or "different"), code="wrong_format")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels")
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error, EOFError) as error:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from error
    return image


def _carries_active_content(chunk: bytes) -> bool:
    lowered = chunk.lower()
    return any(marker in lowered for marker in ACTIVE_CONTENT)


def _png_hides_something(data: bytes) -> bool:
    """True when a PNG has bytes after its IEND chunk, or a text chunk carrying a page, a
    script or an archive."""
    position = 8  # the signature, which Pillow checked
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IEND":
            return bool(data[position:].strip(b"\x00\r\n\t "))
        if kind in (b"IDAT", b"fdAT"):
            continue  # pixel data: compressed, and no program reads it as anything else
        if kind == b"zTXt" or (kind == b"iTXt" and _itxt_compressed(body)):
            body = _inflate(body[body.find(b"\x00") + 2 :])
        if _carries_active_content(body):
            return True
    return True  # no IEND: Pillow decoded it, but something is not as a PNG ends


def _itxt_compressed(body: bytes) -> bool:
    keyword_end = body.find(b"\x00")
    return keyword_end >= 0 and len(body) > keyword_end + 1 and body[keyword_end + 1] == 1


def _inflate(compressed: bytes) -> bytes:
    """Up to 1 MB of a compressed text chunk (a bigger one is itself suspicious: kept whole)."""
    try:
        return zlib.decompressobj().decompress(compressed, 1024 * 1024)
    except zlib.error:
        return compressed


_STANDALONE_MARKERS = {0x01, *range(0xD0, 0xD8)}  # TEM and the restart markers carry no length


def _jpeg_hides_something(data: bytes) -> bool:
    """True when a JPEG has bytes after its end-of-image marker, or an application or comment
    segment carrying a page, a script or an archive."""
    position = 2  # after SOI, which Pillow checked
    end = len(data)
    while position < end:
        if data[position] != 0xFF:
            return True  # not a marker where one must be
        while position < end and data[position] == 0xFF:  # fill bytes before a marker
            position += 1
        if position >= end:
            return True
        marker = data[position]
        position += 1
        if marker == 0xD9:  # end of image
            return bool(data[position:].strip(b"\x00\r\n\t "))
        if marker in _STANDALONE_MARKERS:
            continue
        if position + 2 > end:
            return True
        (length,) = struct.unpack(">H", data[position : position + 2])
        segment = data[position + 2 : position + length]
        position += length
        if (0xE0 <= marker <= 0xEF or marker == 0xFE) and _carries_active_content(segment):
            return True
        if marker == 0xDA:  # start of scan: skip the entropy-coded data up to the next marker
            while position + 1 < end:
                if data[position] == 0xFF and data[position + 1] not in (0x00, *range(0xD0, 0xD8)):
                    break
                position += 1
            else:
                return True
    return True  # no end-of-image marker


def _reencode(image: Image.Image) -> CleanScreenshot:
    """The decoded pixels in a new file of the same format, without any metadata."""
    content_type, extension = FORMATS[image.format]
    upright = ImageOps.exif_transpose(image)
    if image.format == "JPEG":
        pixels = upright.convert("L" if upright.mode == "L" else "RGB")
    else:
        pixels = upright.convert(upright.mode if upright.mode in ("L", "RGB") else "RGBA")
    bare = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())  # pixels only: no info, no metadata
    output = io.BytesIO()
    if image.format == "JPEG":
        bare.save(output, format="JPEG", quality=90, optimize=True)
    else:
        bare.save(output, format="PNG", optimize=True)
    return CleanScreenshot(output.getvalue(), content_type, extension, *bare.size)


# --- the private storage --------------------------------------------------------------------------------


def _storage():
    return storages["report_screenshots"]


def store_screenshot(screenshot: CleanScreenshot) -> str:
    """Save a cleaned screenshot under a new random name; returns the name."""
    return _storage().save(f"{uuid.uuid4().hex}.{screenshot.extension}", ContentFile(screenshot.content))


def delete_screenshot(name: str) -> None:
    if name:
        _storage().delete(name)


def open_screenshot(name: str):
    """The stored file, opened for reading (FileNotFoundError when it is gone)."""
    return _storage().open(name, "rb")
