"""Profile photos: check an upload is a real image (by decoding it, never by its name or
content type), refuse oversized files and decompression bombs, then produce a clean
512x512 JPEG with the EXIF orientation applied and every bit of metadata dropped."""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

PHOTO_SIZE = 512
# Enough for a 50-megapixel phone photo; beyond that decoding costs too much memory.
DEFAULT_MAX_PIXELS = 50_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
JPEG_QUALITY = 85

CODE_TOO_LARGE = "too_large"
CODE_NOT_IMAGE = "not_image"


def max_photo_bytes() -> int:
    return settings.GUANXI_MAX_PHOTO_BYTES


def max_photo_pixels() -> int:
    return getattr(settings, "GUANXI_MAX_PHOTO_PIXELS", DEFAULT_MAX_PIXELS)


def _too_large_bytes() -> ValidationError:
    return ValidationError(
        _("The photo is too large: at most %(mb)s MB, please.")
        % {"mb": round(max_photo_bytes() / 1024 / 1024, 1)},
        code=CODE_TOO_LARGE,
    )


def _not_an_image() -> ValidationError:
    return ValidationError(
        _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP photo."),
        code=CODE_NOT_IMAGE,
    )


def _read_bounded(upload) -> bytes:
    """Read at most the limit + 1 byte, so a lying `size` cannot make us read more."""
    limit = max_photo_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large_bytes()
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large_bytes()
    if not data:
        raise _not_an_image()
    return data


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on a white background (JPEG has no transparency)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def process_photo(upload) -> ContentFile:
    """Return the finished JPEG for an uploaded file, or raise ValidationError with code
    "too_large" (bytes or pixels) or "not_image"."""
    data = _read_bounded(upload)
    with warnings.catch_warnings():
        # Pillow only warns below twice its own bomb limit; treat the warning as fatal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise _not_an_image()
                width, height = probe.size
                if width < 1 or height < 1:
                    raise _not_an_image()
                if width * height > max_photo_pixels():
                    raise ValidationError(
                        _(
                            "The photo has too many pixels (%(w)d × %(h)d). Please upload a smaller one."
                        )
                        % {"w": width, "h": height},
                        code=CODE_TOO_LARGE,
                    )
                probe.verify()
            # verify() leaves the image unusable: decode a fresh one.
            with Image.open(io.BytesIO(data)) as image:
                if image.format == "JPEG":
                    # Let libjpeg decode at a reduced scale: far less memory for big photos.
                    image.draft("RGB", (PHOTO_SIZE * 2, PHOTO_SIZE * 2))
                image.load()
                oriented = ImageOps.exif_transpose(image)
                square = ImageOps.fit(
                    _flatten(oriented),
                    (PHOTO_SIZE, PHOTO_SIZE),
                    method=Image.Resampling.LANCZOS,
                    centering=(0.5, 0.5),
                )
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError(
                _("The photo has too many pixels. Please upload a smaller one."),
                code=CODE_TOO_LARGE,
            ) from exc
        except Exception as exc:
            # Decoders raise many kinds of errors on hostile or truncated input
            # (OSError, SyntaxError, ValueError, struct.error ...): all mean "not an image".
            raise _not_an_image() from exc
    out = io.BytesIO()
    # Conversions copy `info` along; clear it so no EXIF, ICC or comment survives.
    square.info = {}
    square.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return ContentFile(out.getvalue(), name="photo.jpg")
