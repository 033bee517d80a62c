"""Tests for clinic.lib.images: what uploads are refused, and what accepted ones lose.

Every sample file is made here with Pillow (or by hand, for the bombs), so no binary
fixtures are committed. Nothing touches the database.
"""

import json
import random
import re
from io import BytesIO
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import ExifTags, Image, ImageCms, ImageFile, PngImagePlugin

from clinic.lib.images import (
    HIGH_DENSITY_WIDTHS,
    MAX_PIXELS,
    MAX_UPLOAD_BYTES,
    RENDITION_WIDTHS,
    WEBP_MAX_SIDE,
    CleanImage,
    _rendition_sizes,
    clean_image,
    find_stored,
    make_renditions,
    store_image,
)
from clinic.templatetags.clinic_images import responsive_image
from tests.samples import png_header

if not settings.configured:  # run with `-p no:django`: the module needs no project settings
    settings.configure()
    django.setup()

RED = (255, 0, 0)
BLUE = (0, 0, 255)
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


# Helpers ---------------------------------------------------------------------------------


def upload(content: bytes, name: str = "upload.jpg", content_type: str = "image/jpeg"):
    """What the browser sends; name and content type are deliberately often wrong."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def encode(image: Image.Image, pillow_format: str, **options) -> bytes:
    buffer = BytesIO()
    image.save(buffer, pillow_format, **options)
    return buffer.getvalue()


def photo(size=(64, 48)) -> Image.Image:
    """A noisy RGB image: JPEG cannot shrink it to almost nothing."""
    return Image.merge("RGB", [Image.effect_noise(size, sigma) for sigma in (40, 60, 80)]).convert(
        "RGB"
    )


def decode(content: bytes) -> Image.Image:
    image = Image.open(BytesIO(content))
    image.load()
    return image


def close_to(pixel, expected, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], expected, strict=True))


def files_in(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.fixture
def media_root(tmp_path):
    return tmp_path / "media"


@pytest.fixture
def storage(media_root):
    return FileSystemStorage(location=media_root, base_url="/media/")


# Refused uploads -------------------------------------------------------------------------


def truncated(pillow_format: str) -> bytes:
    content = encode(photo((256, 256)), pillow_format)
    return content[: len(content) // 2]


class LyingUpload(BytesIO):
    """A file-like object whose .size understates its content."""

    name = "small.jpg"
    size = 1000


BAD_UPLOADS = {
    "python script named .png": (
        upload(b"import os\nprint(os.getcwd())\n", "photo.png", "image/png"),
        "not_image",
        "This file is not a JPEG, PNG, WebP or GIF image.",
    ),
    "svg with onload": (
        upload(
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
            b'<rect width="10" height="10"/></svg>',
            "chart.svg",
            "image/svg+xml",
        ),
        "not_image",
        "This file is not a JPEG, PNG, WebP or GIF image.",
    ),
    "html named .jpg": (
        upload(b"<!DOCTYPE html><html><script>alert(1)</script></html>", "photo.jpg"),
        "not_image",
        "This file is not a JPEG, PNG, WebP or GIF image.",
    ),
    "bmp image": (
        upload(encode(photo(), "BMP"), "photo.bmp", "image/bmp"),
        "not_image",
        "This file is not a JPEG, PNG, WebP or GIF image.",
    ),
    "truncated jpeg": (
        upload(truncated("JPEG")),
        "damaged",
        "This image is damaged or incomplete and could not be read.",
    ),
    "truncated png": (
        upload(truncated("PNG"), "photo.png", "image/png"),
        "damaged",
        "This image is damaged or incomplete and could not be read.",
    ),
    "30000 x 30000 png bomb": (
        upload(png_header(30_000, 30_000), "bomb.png", "image/png"),
        "too_large_unknown",
        "This image is too large; the limit is 40 megapixels.",
    ),
    "7000 x 7000 png": (
        upload(png_header(7000, 7000), "big.png", "image/png"),
        "too_large",
        "This image is too large (7,000 × 7,000 pixels); "  # noqa: RUF001
        "the limit is 12,000 pixels a side and 40 megapixels.",
    ),
    # Under the pixel count, but absurd in shape: took 1.35 GB and 4.3 s to process. The file
    # holds 64 bytes of pixel data: decoding would say "damaged", so this is decided from the
    # header alone.
    "1 x 39,999,999 png": (
        upload(png_header(1, 39_999_999), "tall.png", "image/png"),
        "too_large",
        "This image is too large (1 × 39,999,999 pixels); "  # noqa: RUF001
        "the limit is 12,000 pixels a side and 40 megapixels.",
    ),
    "39,999,999 x 1 png": (
        upload(png_header(39_999_999, 1), "wide.png", "image/png"),
        "too_large",
        "This image is too large (39,999,999 × 1 pixels); "  # noqa: RUF001
        "the limit is 12,000 pixels a side and 40 megapixels.",
    ),
    "empty file": (
        upload(b""),
        "empty",
        "This file is empty.",
    ),
    "file over the upload limit": (
        upload(b"\xff\xd8\xff" + b"\0" * MAX_UPLOAD_BYTES),
        "too_big",
        "This file is too big; the limit is 10 MB.",
    ),
    "file over the upload limit with a lying size": (
        LyingUpload(b"\xff\xd8\xff" + b"\0" * MAX_UPLOAD_BYTES),
        "too_big",
        "This file is too big; the limit is 10 MB.",
    ),
}


@pytest.mark.parametrize(("uploaded", "code", "message"), BAD_UPLOADS.values(), ids=BAD_UPLOADS)
def test_bad_upload_is_refused_and_nothing_is_stored(uploaded, code, message, storage, media_root):
    with pytest.raises(ValidationError) as refusal:
        store_image(clean_image(uploaded), folder="uploads", storage=storage)

    assert refusal.value.code == code
    assert refusal.value.messages == [message]
    assert files_in(media_root) == []


def test_pixel_limit_is_inclusive():
    """An image of exactly MAX_PIXELS passes the size check; this one then fails to decode
    (it has no pixel data), which proves the check let it through."""
    assert MAX_PIXELS == 8000 * 5000

    with pytest.raises(ValidationError) as refusal:
        clean_image(upload(png_header(8000, 5000), "edge.png"))

    assert refusal.value.code == "damaged"


def test_load_truncated_images_must_stay_off(monkeypatch):
    """Someone switching this Pillow global on would let half-uploaded files through."""
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    with pytest.raises(ImproperlyConfigured):
        clean_image(upload(encode(photo(), "JPEG")))


def mutations():
    """Truncated and byte-flipped copies of valid files in every accepted format."""
    rng = random.Random(2319)  # fixed seed: the same cases on every run
    samples = {
        "jpeg": encode(photo(), "JPEG", exif=Image.Exif().tobytes()),
        "png": encode(photo().convert("RGBA"), "PNG"),
        "gif": encode(photo(), "GIF", save_all=True, append_images=[photo()]),
        "webp": encode(photo(), "WEBP"),
    }
    for name, content in samples.items():
        for cut in (1, 8, 16, 30, 60, 100, len(content) // 2, len(content) - 1):
            yield pytest.param(content[:cut], id=f"{name}-cut-{cut}")
        for case in range(12):
            damaged = bytearray(content)
            for _ in range(3):
                damaged[rng.randrange(min(len(damaged), 200))] = rng.randrange(256)
            yield pytest.param(bytes(damaged), id=f"{name}-flip-{case}")


@pytest.mark.parametrize("content", list(mutations()))
def test_damaged_files_only_ever_raise_validation_error(content):
    """CVE-2024-2319: Pillow errors must not become 500s."""
    try:
        image = clean_image(upload(content))
    except ValidationError as refusal:
        assert refusal.code in {"not_image", "damaged", "too_large", "too_large_unknown"}
    else:
        assert decode(image.content).size == (image.width, image.height)


# Accepted uploads lose everything but their pixels ---------------------------------------


def phone_photo() -> bytes:
    """A 64 x 32 JPEG stored sideways (EXIF orientation 6), red in its top-left corner,
    with GPS position, camera make, XMP, an ICC profile and a comment."""
    image = Image.new("RGB", (64, 32), BLUE)
    image.paste(RED, (0, 0, 16, 16))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SecretPhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
    }
    return encode(
        image,
        "JPEG",
        quality=95,
        exif=exif,
        xmp=b"<x:xmpmeta>secret-xmp</x:xmpmeta>",
        icc_profile=SRGB_ICC,
        comment=b"secret-comment",
    )


def test_phone_photo_is_turned_upright_and_loses_all_metadata():
    content = phone_photo()
    original = decode(content)
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the sample really has GPS

    image = clean_image(upload(content))

    assert (image.format, image.extension, image.mode) == ("jpeg", ".jpg", "RGB")
    assert (image.width, image.height) == (32, 64)
    result = decode(image.content)
    assert result.format == "JPEG"
    assert result.size == (32, 64)
    # Orientation 6 means "rotate 90° clockwise to view": top-left goes to top-right.
    assert close_to(result.getpixel((31, 0)), RED)
    assert close_to(result.getpixel((0, 0)), BLUE)
    assert len(result.getexif()) == 0
    assert not {"exif", "xmp", "comment", "icc_profile"} & result.info.keys()
    for secret in (b"Exif", b"SecretPhoneCo", b"secret-xmp", b"secret-comment"):
        assert secret not in image.content


def test_jpeg_html_polyglot_is_accepted_without_its_script(storage, media_root):
    content = encode(photo(), "JPEG", comment=b"<script>alert(1)</script>")
    assert b"<script" in content
    assert decode(content).format == "JPEG"

    image = clean_image(upload(content, "photo.html", "text/html"))
    stored = store_image(image, folder="uploads", storage=storage)

    assert image.format == "jpeg"
    assert b"<script" not in image.content
    assert stored.name.endswith(".jpg")
    for path in files_in(media_root):
        assert b"<script" not in path.read_bytes()


def test_png_loses_text_chunks_exif_and_icc():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "secret-author")
    info.add_text("Comment", "secret-ztxt", zip=True)
    info.add_itxt("Description", "secret-itxt", lang="en")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCameraCo"
    content = encode(photo(), "PNG", pnginfo=info, exif=exif, icc_profile=SRGB_ICC)
    assert decode(content).text

    image = clean_image(upload(content, "scan.png", "image/png"))

    assert (image.format, image.extension) == ("png", ".png")
    result = decode(image.content)
    assert result.text == {}
    assert not {"exif", "icc_profile"} & result.info.keys()
    for secret in (b"secret", b"SecretCameraCo", b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"):
        assert secret not in image.content


def test_colours_are_kept_when_an_icc_profile_is_converted_to_srgb():
    content = encode(Image.new("RGB", (32, 32), (200, 100, 50)), "PNG", icc_profile=SRGB_ICC)

    result = decode(clean_image(upload(content, "swatch.png")).content)

    assert "icc_profile" not in result.info
    assert close_to(result.getpixel((0, 0)), (200, 100, 50), tolerance=2)


def test_animated_gif_becomes_its_first_frame_as_png():
    frames = [Image.new("RGB", (40, 30), colour) for colour in (RED, BLUE, (0, 255, 0))]
    content = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert decode(content).n_frames == 3

    image = clean_image(upload(content, "anim.gif", "image/gif"))

    assert (image.format, image.extension, image.mode) == ("png", ".png", "RGB")
    result = decode(image.content)
    assert result.format == "PNG"
    assert not getattr(result, "is_animated", False)
    assert close_to(result.getpixel((0, 0)), RED, tolerance=0)


def test_gif_transparency_is_kept():
    frame = Image.new("P", (20, 20), 0)
    frame.putpalette([*RED, *BLUE])
    frame.paste(1, (0, 0, 10, 20))
    content = encode(frame, "GIF", transparency=1)

    image = clean_image(upload(content, "icon.gif"))

    assert (image.format, image.mode) == ("png", "RGBA")
    result = decode(image.content)
    assert result.getpixel((0, 0))[3] == 0
    assert result.getpixel((19, 0)) == (*RED, 255)


@pytest.mark.parametrize(
    ("source", "mode"),
    [(photo(), "RGB"), (Image.new("RGBA", (40, 40), (255, 0, 0, 128)), "RGBA")],
    ids=["opaque", "translucent"],
)
def test_webp_stays_webp(source, mode):
    image = clean_image(upload(encode(source, "WEBP"), "photo.webp", "image/webp"))

    assert (image.format, image.extension, image.mode) == ("webp", ".webp", mode)
    assert decode(image.content).format == "WEBP"


def test_multi_picture_phone_jpeg_becomes_a_plain_jpeg():
    content = encode(Image.new("RGB", (32, 32), RED), "MPO", save_all=True, append_images=[photo()])
    assert decode(content).format == "MPO"

    image = clean_image(upload(content))

    result = decode(image.content)
    assert (image.format, result.format) == ("jpeg", "JPEG")
    assert close_to(result.getpixel((0, 0)), RED)


def test_fully_opaque_alpha_is_dropped():
    """Screenshots are often RGBA with no transparency; RGB lets renditions use JPEG."""
    source = photo().convert("RGBA")

    image = clean_image(upload(encode(source, "PNG"), "screenshot.png"))

    assert (image.format, image.mode) == ("png", "RGB")
    assert decode(image.content).tobytes() == source.convert("RGB").tobytes()


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped():
    content = encode(Image.new("I;16", (16, 16), 32768), "PNG")

    result = decode(clean_image(upload(content, "xray.png")).content)

    assert close_to(result.getpixel((0, 0)), (128, 128, 128), tolerance=2)


def test_format_comes_from_the_bytes_not_the_name_or_content_type():
    content = encode(photo(), "PNG")

    image = clean_image(upload(content, "photo.jpg", "image/jpeg"))

    assert (image.format, image.extension) == ("png", ".png")


def test_an_upload_already_read_by_a_form_is_read_again_from_the_start():
    uploaded = upload(encode(photo(), "JPEG"))
    uploaded.read()

    assert clean_image(uploaded).format == "jpeg"


# Renditions ------------------------------------------------------------------------------


def clean(image: Image.Image, pillow_format: str = "JPEG") -> CleanImage:
    return clean_image(upload(encode(image, pillow_format)))


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((2000, 1000), [(480, 240), (720, 360), (960, 480), (1600, 800)]),
        ((1000, 500), [(480, 240), (720, 360), (960, 480), (1000, 500)]),
        ((960, 480), [(480, 240), (720, 360), (960, 480)]),
        ((300, 200), [(300, 200)]),
    ],
)
def test_renditions_have_the_right_sizes_and_formats(size, expected):
    renditions = make_renditions(clean(photo(size)))

    assert [(r.width, r.height) for r in renditions] == [s for s in expected for _ in "ab"]
    assert [(r.format, r.extension) for r in renditions] == [
        ("webp", ".webp"),
        ("jpeg", ".jpg"),
    ] * len(expected)
    for rendition in renditions:
        result = decode(rendition.content)
        assert result.size == (rendition.width, rendition.height)
        assert result.format == rendition.format.upper()
        assert not {"exif", "icc_profile", "comment"} & result.info.keys()


def test_renditions_for_high_density_screens_are_compressed_harder():
    """720 and 1600 px are only chosen by 2x and 3x screens (COLUMN_SIZES): lower quality."""
    renditions = make_renditions(clean(photo((2000, 1000))))

    # The first step of a JPEG's luminance quantisation table grows as its quality falls.
    steps = {
        r.width: decode(r.content).quantization[0][0] for r in renditions if r.format == "jpeg"
    }
    assert steps[480] == steps[960] < steps[720] == steps[1600], steps
    assert {720, 1600} == HIGH_DENSITY_WIDTHS


def test_the_copy_phones_take_is_compressed_harder_until_it_fits_its_budget(monkeypatch):
    from clinic.lib import images

    image = clean(photo((1000, 500)))
    assert images.PHONE_COPY == ("webp", 720)
    monkeypatch.setattr(images, "PHONE_COPY_BYTES", 10**9)
    normal = {(r.format, r.width): len(r.content) for r in make_renditions(image)}
    monkeypatch.setattr(images, "PHONE_COPY_BYTES", normal["webp", 720] - 1)

    squeezed = {(r.format, r.width): len(r.content) for r in make_renditions(image)}

    assert squeezed.pop(("webp", 720)) < normal.pop(("webp", 720))
    assert squeezed == normal  # the other copies are as they were


def test_renditions_of_a_transparent_image_fall_back_to_png():
    image = clean(Image.new("RGBA", (600, 300), (0, 0, 255, 100)), "PNG")

    renditions = make_renditions(image)

    assert [(r.width, r.format) for r in renditions] == [
        (480, "webp"),
        (480, "png"),
        (600, "webp"),
        (600, "png"),
    ]
    assert decode(renditions[1].content).getpixel((0, 0)) == (0, 0, 255, 100)


def test_renditions_of_a_very_tall_image_fit_the_webp_limit():
    sizes = _rendition_sizes(1800, 36_000)

    assert max(height for _, height in sizes) == WEBP_MAX_SIDE
    assert sizes == sorted(set(sizes))
    assert all(width <= RENDITION_WIDTHS[-1] for width, _ in sizes)


# Storage ---------------------------------------------------------------------------------

TOKEN = r"[0-9a-f]{32}"


def test_store_image_writes_everything_under_one_random_name(storage, media_root):
    image = clean(photo((1200, 600)))

    stored = store_image(image, folder="uploads/", storage=storage)

    match = re.fullmatch(rf"uploads/({TOKEN})\.jpg", stored.name)
    assert match
    assert stored.url == f"/media/{stored.name}"
    assert (stored.width, stored.height) == (1200, 600)
    with storage.open(stored.name) as main_file:
        assert main_file.read() == image.content
    token = match[1]
    assert [
        (r["name"], r["url"], r["width"], r["height"], r["format"]) for r in stored.renditions
    ] == [
        (f"uploads/{token}-{w}w.{ext}", f"/media/uploads/{token}-{w}w.{ext}", w, w // 2, fmt)
        for w in (480, 720, 960, 1200)
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg"))
    ]
    assert len(files_in(media_root)) == 9


@pytest.mark.parametrize("which", ["original", "rendition"])
def test_a_stored_image_is_found_again_from_any_of_its_names(storage, which):
    stored = store_image(clean(photo((1200, 600)), "PNG"), folder="uploads", storage=storage)
    name = stored.name if which == "original" else stored.renditions[0]["name"]

    assert find_stored(name, storage=storage) == stored


@pytest.mark.parametrize(
    "name",
    ["uploads/holiday.jpg", "uploads/" + "a" * 32 + ".jpg", "../" + "a" * 32 + ".jpg", ""],
)
def test_names_that_are_not_a_stored_image_are_not_found(storage, name):
    assert find_stored(name, storage=storage) is None


def test_stored_names_are_random_and_match_the_real_format(storage):
    png = clean(photo(), "PNG")

    first = store_image(png, folder="uploads", storage=storage)
    second = store_image(png, folder="uploads", storage=storage)

    assert first.name != second.name
    assert re.fullmatch(rf"uploads/{TOKEN}\.png", first.name)
    assert {Path(r["name"]).suffix for r in first.renditions} == {".webp", ".jpg"}


def test_as_dict_survives_a_json_round_trip(storage):
    stored = store_image(clean(photo()), folder="uploads", storage=storage)

    data = json.loads(json.dumps(stored.as_dict()))

    assert data == stored.as_dict()
    assert set(data) == {"name", "url", "width", "height", "renditions"}


def test_srcset_lists_one_format_narrowest_first(storage):
    """What {% responsive_image %} builds from the stored renditions."""
    stored = store_image(clean(photo((2000, 1000))), folder="uploads", storage=storage).as_dict()
    stem = stored["name"].removesuffix(".jpg")

    context = responsive_image(None, stored, "A photo")

    assert context["webp_srcset"] == (
        f"/media/{stem}-480w.webp 480w, /media/{stem}-720w.webp 720w, "
        f"/media/{stem}-960w.webp 960w, /media/{stem}-1600w.webp 1600w"
    )
    assert context["srcset"].count(".jpg ") == 4
    assert ".png" not in context["srcset"]


class FailingStorage(FileSystemStorage):
    """Fails on the third (last) write, like a network storage dropping a connection."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saves = 0

    def save(self, name, content, max_length=None):
        self.saves += 1
        if self.saves == 3:
            raise OSError("connection reset")
        return super().save(name, content, max_length)


def test_a_failed_write_leaves_nothing_behind(media_root):
    storage = FailingStorage(location=media_root, base_url="/media/")

    with pytest.raises(OSError, match="connection reset"):
        store_image(clean(photo()), folder="uploads", storage=storage)

    assert storage.saves == 3
    assert files_in(media_root) == []


def test_default_storage_is_used_when_none_is_given(media_root):
    backend = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": media_root, "base_url": "/files/"},
    }
    with override_settings(STORAGES={"default": backend}):
        stored = store_image(clean(photo()), folder="uploads")

    assert stored.url.startswith("/files/uploads/")
    assert (media_root / stored.name).is_file()
