"""Hero images and practitioner photos in the admin: the same pipeline as editor uploads.

``ImageUploadField`` runs every upload through ``clinic.lib.images.clean_image`` while the form is
validated, so a bad file is refused with its message beside the field and nothing is stored.
``ImageUploadsForm`` keeps the accepted, re-encoded image aside until the admin saves, then
``store_images`` writes it with its renditions (one random name, ``clinic.lib.images.store_image``)
and records both on the row.

Every image upload, wherever it comes from (the editor's drag-and-drop and django-markdownx's
upload, which are one endpoint; hero images; practitioner photos), counts against one limit per
person: ``too_many_uploads``, checked before the file is decoded.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django_ratelimit.core import is_ratelimited

from clinic.lib import images

ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
ALT_MISSING = "Describe the image for patients who cannot see it."  # as the models say


def too_many_uploads(request, then="choose the image again") -> str:
    """Count this image against the person's uploads this minute; the refusal if it is one too
    many, else "".

    Per person, through the shared cache (django-ratelimit), before the file is even read:
    each image costs seconds of work to check, re-encode and resize, so a script must not be
    able to send them without end, through any of the forms that take one.
    """
    rate = settings.UPLOAD_RATE_PER_MINUTE
    if is_ratelimited(request, group="image-upload", key="user", rate=f"{rate}/m", increment=True):
        return f"Too many images at once: at most {rate} a minute. Wait a minute, then {then}."
    return ""


class ImageUploadField(forms.FileField):
    """A file field whose value is a ``clinic.lib.images.CleanImage``, or a refusal.

    With ``request`` set (ImageUploadsForm does), an upload beyond the person's limit is refused
    beside the field before it is decoded.
    """

    request = None

    def __init__(self, *args, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault(
            "help_text",
            f"JPEG, PNG, WebP or GIF, up to {images.MAX_UPLOAD_BYTES // (1024 * 1024)} MB. "
            "It is turned upright, stripped of location and camera data, and resized for "
            "phones and screens.",
        )
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        if self.request is not None and (refused := too_many_uploads(self.request)):
            raise ValidationError(refused, code="rate_limited")
        return images.clean_image(uploaded)


class ImageUploadsForm(forms.ModelForm):
    """Mixin for model forms with image fields.

    ``image_fields`` maps each image field to (its alt-text field, the storage folder). The
    renditions go to ``<field>_renditions`` (a JSONField) on the model.
    """

    image_fields: dict[str, tuple[str, str]] = {}
    # The request the form was made for (ImageUploadsAdminMixin sets it): whose uploads count.
    upload_request = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.image_fields:
            field = self.fields.get(name)
            if isinstance(field, ImageUploadField):
                field.request = self.upload_request

    def clean(self):
        cleaned = super().clean()
        self.clean_images: dict[str, images.CleanImage] = {}
        for name, (alt_field, _folder) in self.image_fields.items():
            value = cleaned.get(name)
            if isinstance(value, images.CleanImage):
                self.clean_images[name] = value
                # The model keeps its current file until store_images() replaces it.
                cleaned[name] = None
                # (The model's clean() asks for alt text for an image it already has.)
                if not (cleaned.get(alt_field) or "").strip():
                    self.add_error(alt_field, ALT_MISSING)
        return cleaned

    def store_images(self, instance) -> None:
        """Write the accepted images and their renditions, and point the row at them."""
        for name, clean in getattr(self, "clean_images", {}).items():
            folder = self.image_fields[name][1]
            stored = images.store_image(clean, folder=folder)
            getattr(instance, name).name = stored.name
            setattr(instance, f"{name}_renditions", stored.as_dict())
        for name in self.image_fields:
            if self.cleaned_data.get(name) is False:  # "Clear" ticked
                setattr(instance, f"{name}_renditions", {})


class ImageUploadsAdminMixin:
    """For ModelAdmins whose form is an ImageUploadsForm: store the images when saving."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A class made for this request by modelform_factory: its uploads count for this person.
        form.upload_request = request
        return form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in getattr(self.form, "image_fields", {}):
            kwargs["form_class"] = ImageUploadField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        form.store_images(obj)
        super().save_model(request, obj, form, change)
