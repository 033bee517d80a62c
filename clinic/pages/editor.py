"""
The Markdown editor's server side: live preview and image upload, for staff only.

These replace django-markdownx's stock views, which have no login check, trust the browser's
content type and store uploads as they come (CVE-2024-2319). The preview goes through the same
sanitising renderer as the public pages, because the editor inserts it with innerHTML.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from clinic.lib import images, uploads
from clinic.pages import checks, inline_images
from clinic.references.numbering import render_live_preview


def staff_only(view):
    """403 for anyone but logged-in staff.

    Not staff_member_required: that redirects to a login page, which the editor's XHR cannot show.
    """

    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def preview_paused(request) -> str:
    """The message to show when this person has asked for too many previews this minute.

    Per person, through the shared cache (django-ratelimit): the preview renders on every
    pause in typing, so the limit is generous for a person and a brake for a script. Both
    previews (markdownx's and the editor's with its writing checks) count together."""
    if is_ratelimited(
        request,
        group="editor-preview",
        key="user",
        rate=f"{settings.PREVIEW_RATE_PER_MINUTE}/m",
        increment=True,
    ):
        return (
            "The preview is paused for a moment: more than "
            f"{settings.PREVIEW_RATE_PER_MINUTE} previews in a minute. It comes back by itself."
        )
    return ""


def preview_error(message, status=400):
    return HttpResponse(format_html('<p class="preview-error">{}</p>', message), status=status)


@require_POST
@staff_only
def markdownify(request):
    if paused := preview_paused(request):
        return preview_error(paused, status=429)
    content = request.POST.get("content")
    if content is None:
        return HttpResponseBadRequest(
            format_html('<p class="preview-error">{}</p>', "Nothing to preview.")
        )
    try:
        html = render_live_preview(content)
    except ValidationError as error:
        return HttpResponseBadRequest(
            format_html('<p class="preview-error">{}</p>', " ".join(error.messages))
        )
    return HttpResponse(html)


@require_POST
@staff_only
def upload(request):
    # One limit per person for every image upload, counted before the file is even read.
    if refused := uploads.too_many_uploads(request, then="drop the rest again"):
        return JsonResponse({"image": [refused]}, status=429)
    uploaded = request.FILES.get("image")
    if uploaded is None:
        return JsonResponse({"image": ["Choose an image to upload."]}, status=400)
    try:
        clean = images.clean_image(uploaded)
        stored = images.store_image(clean, folder="uploads")
    except ValidationError as error:
        return JsonResponse({"image": error.messages}, status=400)
    # The Markdown names the widest resized copy (at most 1600 px, JPEG or PNG); pages show it
    # with its renditions (clinic/pages/inline_images.py). The placeholder description cannot be
    # published: the editor asks for a real one at once.
    url = inline_images.record(stored)
    return JsonResponse({"image_code": f"![{checks.PLACEHOLDER_ALT}]({url})"})
