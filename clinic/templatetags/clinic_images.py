"""``{% responsive_image %}``: a <picture> with WebP and fallback srcsets from stored renditions."""

from django import template
from django.core.files.storage import default_storage

from clinic.lib.images import COLUMN_SIZES

register = template.Library()


@register.inclusion_tag("includes/responsive_image.html")
def responsive_image(image, renditions, alt, *, sizes=COLUMN_SIZES, css_class="", loading="lazy"):
    """``image`` is the ImageField value, ``renditions`` the StoredImage dict saved with it.
    ``sizes`` is how wide it is shown; by default the article column.

    URLs are built from the stored names now (not the URLs saved at upload time), so a new
    MEDIA_URL or CDN domain applies to old images too. Width and height come from the widest
    rendition, so the browser reserves the right space before the image arrives.
    """
    by_format: dict[str, list[dict]] = {}
    for rendition in (renditions or {}).get("renditions", []):
        by_format.setdefault(rendition["format"], []).append(rendition)
    fallback_format = next((f for f in ("jpeg", "png") if f in by_format), None)

    def srcset(fmt):
        return ", ".join(
            f"{default_storage.url(r['name'])} {r['width']}w"
            for r in sorted(by_format.get(fmt, []), key=lambda r: r["width"])
        )

    widest = max(by_format.get(fallback_format, []), key=lambda r: r["width"], default=None)
    return {
        "src": default_storage.url(widest["name"]) if widest else (image.url if image else ""),
        "webp_srcset": srcset("webp"),
        "srcset": srcset(fallback_format) if fallback_format else "",
        "width": widest["width"] if widest else None,
        "height": widest["height"] if widest else None,
        "alt": alt,
        "sizes": sizes,
        "css_class": css_class,
        "loading": loading,
    }
