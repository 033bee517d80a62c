"""Turn uploaded files into safe, re-encoded, responsive images, or refuse them.

Uploads from the Markdown editor go through three steps, each a plain function:

1. ``clean_image(uploaded)`` reads the bytes, lets Pillow (never the file name or the
   browser's content type) decide whether they are a JPEG, PNG, WebP or GIF image, checks
   the pixel count before decoding, decodes every pixel, turns phone photos upright and
   re-encodes the pixels alone. Nothing else survives: no EXIF (so no GPS position), no
   JPEG comments (so no HTML hidden in a JPEG/HTML polyglot), no PNG text chunks, no XMP,
   no ICC profile (colours are converted to sRGB first), no extra frames. Anything it
   cannot do this for is refused with a ``ValidationError`` whose message a practitioner
   can act on.
2. ``make_renditions(image)`` makes the smaller widths a page needs, each as WebP plus a
   JPEG (or PNG when the image has transparency) fallback.
3. ``store_image(image, folder=...)`` writes all of it through Django's storage API under
   one random name, or nothing at all if a write fails.

The ``{% responsive_image %}`` tag (clinic/templatetags/clinic_images.py) builds the
``srcset`` attributes from what was stored.
"""

import dataclasses
import logging
import posixpath
import re
import secrets
from io import BytesIO
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Well below Pillow's own 89-megapixel warning; a 12-megapixel phone photo is far inside.
MAX_PIXELS = 40_000_000
# Each side too: a 1 x 39,999,999 PNG passes the pixel count yet took 1.35 GB to process. A
# panorama of 12,000 px is still accepted (pages show at most 1,600).
MAX_SIDE = 12_000
RENDITION_WIDTHS = (480, 720, 960, 1600)
# Images fill the article column: 42rem (756 px at the site's 18 px text) or the screen less its
# 1rem margins. In `sizes` a rem is the browser's default font size (16 px unless the reader
# chose larger), not the page's 112.5 % of it, hence the factor 1.125 in these numbers. On a
# 390 px phone the column is 354 px: the browser wants 480 px at 1x and 720 at 2x; a desktop
# 960 at 1x and 1600 at 2x. Screens of 2.5 device pixels per CSS pixel and more (most phones
# sold today are 3x) are told a column two thirds as wide, so they take the 2x copy too: a third
# pixel per CSS pixel is beyond what eyes resolve at reading distance, and costs twice the bytes.
COLUMN_SIZES = (
    "(min-width: 49.5rem) 47.25rem, "
    "(min-resolution: 2.5dppx) calc(66.7vw - 1.5rem), "
    "calc(100vw - 2.25rem)"
)
# Widths that only screens of two or more device pixels per CSS pixel choose (see COLUMN_SIZES).
# Their pixels are half the size or smaller, so compression artefacts show far less: they are
# encoded at a lower quality ("compressive images"), about 40 % fewer bytes.
HIGH_DENSITY_WIDTHS = frozenset({720, 1600})

# libwebp cannot encode a side longer than this; renditions are fitted inside it.
WEBP_MAX_SIDE = 16383

# Pillow format name -> format we store. GIF becomes PNG: first frame only, so no
# animation and nothing a GIF can smuggle in its extension blocks. MPO is how Pillow names
# the multi-picture JPEGs many phones write; we keep the first picture as a plain JPEG.
_ACCEPTED = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "WEBP": "webp", "GIF": "png"}
_PILLOW_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
_EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "jpeg": {"format": "JPEG", "quality": 85, "optimize": True, "progressive": True},
    "png": {"format": "PNG"},
    "webp": {"format": "WEBP", "quality": 80},
}
_HIGH_DENSITY_QUALITY = {"jpeg": 60, "webp": 55}
# The copy nearly every phone takes (720 px WebP, see COLUMN_SIZES) has a byte budget, so that an
# article with one photo stays under 60 KB on a phone (about 10 KB of page around it): a very
# detailed photo is compressed harder, five quality steps at a time, down to 40 at worst.
PHONE_COPY = ("webp", 720)
PHONE_COPY_BYTES = 45 * 1024
_PHONE_COPY_LOWEST_QUALITY = 40
_SRGB = ImageCms.createProfile("sRGB")

MESSAGES = {
    "empty": _("This file is empty."),
    "too_big": _("This file is too big; the limit is %(limit)s MB."),
    "not_image": _("This file is not a JPEG, PNG, WebP or GIF image."),
    "too_large": _(
        "This image is too large (%(width)s × %(height)s pixels); "  # noqa: RUF001 (the real sign)
        "the limit is %(side)s pixels a side and %(limit)s megapixels."
    ),
    # Pillow refuses images past its own bomb limit before telling us their size.
    "too_large_unknown": _("This image is too large; the limit is %(limit)s megapixels."),
    "damaged": _("This image is damaged or incomplete and could not be read."),
}


@dataclasses.dataclass(frozen=True)
class CleanImage:
    """An accepted upload, re-encoded from its pixels: upright, sRGB, no metadata."""

    format: str  # "jpeg", "png" or "webp"
    width: int
    height: int
    content: bytes
    extension: str  # ".jpg", ".png" or ".webp"
    mode: str  # "RGB" or "RGBA" (only when some pixel is not fully opaque)


@dataclasses.dataclass(frozen=True)
class Rendition:
    """One resized copy of a CleanImage, in one format."""

    width: int
    height: int
    format: str
    content: bytes
    extension: str


@dataclasses.dataclass(frozen=True)
class StoredImage:
    """Where an image and its renditions were stored; ``as_dict()`` fits a JSONField.

    ``url`` values are what the storage returned at upload time. With a storage whose
    URLs expire (S3 with query-string auth) or move (a new CDN), build URLs from the
    names with ``storage.url(name)`` instead.
    """

    name: str
    url: str
    width: int
    height: int
    # Each {"name", "url", "width", "height", "format"}, narrowest first, WebP before the
    # fallback at each width.
    renditions: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class UploadedFileLike(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = -1, /) -> bytes: ...


def clean_image(uploaded: UploadedFileLike) -> CleanImage:
    """Return the upload re-encoded from its pixels alone, or raise ValidationError.

    The ValidationError ``code`` is one of the keys of MESSAGES. No other exception comes
    out of a bad file: Pillow raises many kinds on malformed input, and all of them mean
    the file is damaged. (``ImproperlyConfigured`` is raised if some code switched on
    Pillow's ``LOAD_TRUNCATED_IMAGES``, which would let half-uploaded images through.)
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        raise ImproperlyConfigured(
            "PIL.ImageFile.LOAD_TRUNCATED_IMAGES is True; clean_image() needs it False "
            "to refuse truncated uploads."
        )
    data = _read_upload(uploaded)
    try:
        with Image.open(BytesIO(data), formats=_PILLOW_FORMATS) as opened:
            # Only the header has been read so far: refuse bombs before decoding.
            _check_pixel_count(*opened.size)
            opened.load()
            _make_upright(opened)
            pixels = _pixels_only(opened)
            stored_format = _ACCEPTED[opened.format]
        content = _encode(pixels, stored_format)
    except ValidationError:
        raise
    except UnidentifiedImageError:
        raise _error("not_image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # The warning is only raised when warnings are errors (as in the tests).
        raise _error("too_large_unknown", limit=MAX_PIXELS // 1_000_000) from None
    except Exception:
        logger.info(
            "Refused an unreadable image upload %r", getattr(uploaded, "name", None), exc_info=True
        )
        raise _error("damaged") from None
    return CleanImage(
        format=stored_format,
        width=pixels.width,
        height=pixels.height,
        content=content,
        extension=_EXTENSIONS[stored_format],
        mode=pixels.mode,
    )


def make_renditions(image: CleanImage) -> list[Rendition]:
    """Return the image at each of RENDITION_WIDTHS narrower than it, and at its own
    width capped at 1600, each as WebP and as a fallback: JPEG, or PNG if it has
    transparency. Narrowest first, WebP before the fallback at each width.
    """
    fallback = "png" if image.mode == "RGBA" else "jpeg"
    sizes = _rendition_sizes(image.width, image.height)
    pillow_format = _SAVE_OPTIONS[image.format]["format"]
    renditions = []
    with Image.open(BytesIO(image.content), formats=(pillow_format,)) as source:
        # For a JPEG, let libjpeg decode at 1/2, 1/4 or 1/8 scale when that is still at
        # least as big as the largest rendition: much faster for big photos.
        source.draft(image.mode, sizes[-1])
        resized = source
        # Widest first, each resized from the previous one: a third of the resizing time
        # for a 12-megapixel photo, with no visible difference.
        for width, height in reversed(sizes):
            resized = resized.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            renditions[:0] = [
                Rendition(
                    width=width,
                    height=height,
                    format=fmt,
                    content=_encode_rendition(resized, fmt),
                    extension=_EXTENSIONS[fmt],
                )
                for fmt in ("webp", fallback)
            ]
    return renditions


def store_image(image: CleanImage, *, folder: str, storage: Storage | None = None) -> StoredImage:
    """Save the image and its renditions in ``folder`` of ``storage`` (default storage if
    None) under one random name, ``<token>.<ext>`` and ``<token>-<width>w.<ext>``.

    Uses only ``storage.save``, ``url`` and ``delete``, so any Django storage works
    (file system, S3 through django-storages). If any write fails, the files already
    written are deleted and the error is raised again: nothing is left half-stored.
    """
    storage = default_storage if storage is None else storage
    renditions = make_renditions(image)
    stem = posixpath.join(folder.strip("/"), secrets.token_hex(16))
    saved: list[str] = []
    try:
        name = storage.save(stem + image.extension, ContentFile(image.content))
        saved.append(name)
        stored_renditions = []
        for rendition in renditions:
            rendition_name = storage.save(
                f"{stem}-{rendition.width}w{rendition.extension}",
                ContentFile(rendition.content),
            )
            saved.append(rendition_name)
            stored_renditions.append(
                {
                    "name": rendition_name,
                    "url": storage.url(rendition_name),
                    "width": rendition.width,
                    "height": rendition.height,
                    "format": rendition.format,
                }
            )
        return StoredImage(
            name=name,
            url=storage.url(name),
            width=image.width,
            height=image.height,
            renditions=stored_renditions,
        )
    except BaseException:
        for written in saved:
            try:
                storage.delete(written)
            except Exception:
                logger.exception("Could not delete %s after a failed image upload", written)
        raise


# What store_image names files: <folder>/<32 hex digits>.<ext>, renditions <...>-<width>w.<ext>.
_STORED_NAME = re.compile(
    r"^(?P<stem>(?:[A-Za-z0-9_-]+/)*[0-9a-f]{32})(?:-(?P<width>[0-9]+)w)?(?P<ext>\.jpg|\.png|\.webp)$"
)


def find_stored(name: str, *, storage: Storage | None = None) -> StoredImage | None:
    """The StoredImage that ``store_image`` wrote and ``name`` belongs to (its original or any
    rendition), found again from the storage alone; None if the name is not one of ours.

    For images that are shown by their URL but whose renditions were not recorded anywhere
    (an image pasted by its plain media URL, an imported one). Only the renditions present in
    the storage are listed, so an image stored before a width was added still works. Costs a
    few ``exists`` calls and reading one image header: call it when a page is saved, not per
    request.
    """
    storage = default_storage if storage is None else storage
    match = _STORED_NAME.match(name)
    if not match:
        return None
    stem = match["stem"]
    original = next(
        (stem + ext for ext in (".jpg", ".png", ".webp") if storage.exists(stem + ext)), None
    )
    if original is None:
        return None
    try:
        with storage.open(original) as file, Image.open(file) as opened:
            width, height = opened.size
    except Exception:
        logger.info("Could not read the stored image %s", original, exc_info=True)
        return None
    renditions = []
    for rendition_width, rendition_height in _rendition_sizes(width, height):
        for fmt, extension in (("webp", ".webp"), ("jpeg", ".jpg"), ("png", ".png")):
            rendition_name = f"{stem}-{rendition_width}w{extension}"
            if storage.exists(rendition_name):
                renditions.append(
                    {
                        "name": rendition_name,
                        "url": storage.url(rendition_name),
                        "width": rendition_width,
                        "height": rendition_height,
                        "format": fmt,
                    }
                )
    return StoredImage(
        name=original,
        url=storage.url(original),
        width=width,
        height=height,
        renditions=renditions,
    )


def _read_upload(uploaded: UploadedFileLike) -> bytes:
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise _error("too_big", limit=MAX_UPLOAD_BYTES // (1024 * 1024))
    if hasattr(uploaded, "seek"):
        # A form's ImageField may already have read the file.
        uploaded.seek(0)
    # Never trust .size alone: read at most one byte past the limit.
    data = uploaded.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _error("too_big", limit=MAX_UPLOAD_BYTES // (1024 * 1024))
    if not data:
        raise _error("empty")
    return data


def _check_pixel_count(width: int, height: int) -> None:
    """Refuse from the header's size alone, before a single pixel is decoded."""
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise _error(
            "too_large",
            width=f"{width:,}",
            height=f"{height:,}",
            side=f"{MAX_SIDE:,}",
            limit=MAX_PIXELS // 1_000_000,
        )


def _make_upright(image: Image.Image) -> None:
    """Apply the EXIF orientation tag in place, so phone photos are not shown on their side."""
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except Exception:
        # Broken EXIF should not cost the practitioner a good photo; it is dropped anyway.
        logger.info("Ignored an unreadable EXIF orientation", exc_info=True)


def _pixels_only(image: Image.Image) -> Image.Image:
    """Return a new RGB or RGBA image holding only the pixels, in sRGB.

    The encoders read some metadata from ``Image.info`` (the JPEG writer copies
    comments, the PNG writer the ICC profile), so the pixels are pasted into a fresh
    image whose ``info`` is empty.
    """
    if image.mode in ("I", "I;16", "I;16L", "I;16B", "I;16N"):
        # 16-bit greyscale PNG: scale to 8 bits (a plain convert would clip to white).
        image = image.convert("I").point(lambda value: value / 257, "L")
    mode = "RGBA" if image.has_transparency_data else "RGB"
    icc_profile = image.info.get("icc_profile")
    if icc_profile and image.mode in ("RGB", "RGBA"):
        # Phone photos are often Display P3 or Adobe RGB; browsers assume sRGB for
        # untagged images, so convert rather than only dropping the profile.
        try:
            image = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(BytesIO(icc_profile)), _SRGB, outputMode=mode
            )
        except Exception:
            logger.info("Ignored an unusable ICC profile", exc_info=True)
    if image.mode != mode:
        image = image.convert(mode)
    if mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        # Fully opaque after all: RGB allows a JPEG fallback, far smaller than PNG.
        mode = "RGB"
    # paste() converts RGBA to RGB by dropping the (fully opaque) alpha channel.
    fresh = Image.new(mode, image.size)
    fresh.paste(image)
    return fresh


def _rendition_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """Sizes for RENDITION_WIDTHS narrower than the image plus its own width capped at the
    widest, each fitted inside WEBP_MAX_SIDE, without duplicates, narrowest first."""
    targets = [w for w in RENDITION_WIDTHS if w < width]
    targets.append(min(width, RENDITION_WIDTHS[-1]))
    sizes = set()
    for target in targets:
        scale = min(target / width, WEBP_MAX_SIDE / height)
        sizes.add((max(1, round(width * scale)), max(1, round(height * scale))))
    return sorted(sizes)


def _encode_rendition(image: Image.Image, fmt: str) -> bytes:
    if image.width not in HIGH_DENSITY_WIDTHS or fmt not in _HIGH_DENSITY_QUALITY:
        return _encode(image, fmt)
    quality = _HIGH_DENSITY_QUALITY[fmt]
    content = _encode(image, fmt, quality=quality)
    if (fmt, image.width) == PHONE_COPY:
        while len(content) > PHONE_COPY_BYTES and quality > _PHONE_COPY_LOWEST_QUALITY:
            quality -= 5
            content = _encode(image, fmt, quality=quality)
    return content


def _encode(image: Image.Image, fmt: str, *, quality: int | None = None) -> bytes:
    options = _SAVE_OPTIONS[fmt]
    if quality is not None:
        options = {**options, "quality": quality}
    buffer = BytesIO()
    image.save(buffer, **options)
    return buffer.getvalue()


def _error(code: str, **params: Any) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)
