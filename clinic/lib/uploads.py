"""Hero images and practitioner photos in the admin: the same pipeline as editor uploads.

``ImageUploadField`` runs every upload through ``clinic.lib.images.clean_image`` while the form is
validated, so a bad file is refused with its message beside the field and nothing is stored.
``ImageUploadsForm`` keeps the accepted, re-encoded image aside until the admin saves, then
``store_images`` writes it with its renditions (one random name, ``clinic.lib.images.store_image``)
and records both on the row.
"""

from django import forms

from clinic.lib import images

ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
ALT_MISSING = "Describe the image for patients who cannot see it."  # as the models say


class ImageUploadField(forms.FileField):
    """A file field whose value is a ``clinic.lib.images.CleanImage``, or a refusal."""

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
        return images.clean_image(uploaded)


class ImageUploadsForm(forms.ModelForm):
    """Mixin for model forms with image fields.

    ``image_fields`` maps each image field to (its alt-text field, the storage folder). The
    renditions go to ``<field>_renditions`` (a JSONField) on the model.
    """

    image_fields: dict[str, tuple[str, str]] = {}

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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in getattr(self.form, "image_fields", {}):
            kwargs["form_class"] = ImageUploadField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        form.store_images(obj)
        super().save_model(request, obj, form, change)
