"""The Markdown editor for every admin form with a Markdown field: our widget and its assets.

django-markdownx's script traps the Tab key (a keyboard trap) and knows nothing of our writing
checks, citations and autosave, so the widget loads static/js/editor.js instead. Without
JavaScript it is a plain textarea. The endpoints it calls are named by URL, not imported.
"""

import contextlib

from django.forms import Media
from django.urls import NoReverseMatch, reverse
from markdownx.admin import MarkdownxModelAdmin
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget


class EditorMedia:
    css = {"all": ["css/editor.css"]}
    js = ["js/editor.js"]


class EditorWidget(AdminMarkdownxWidget):
    def __init__(self, attrs=None, *, heading_base: int = 1):
        super().__init__(attrs)
        self.heading_base = heading_base

    def get_context(self, name, value, attrs=None):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        for key in [k for k in widget_attrs if k.startswith("data-markdownx")]:
            del widget_attrs[key]
        widget_attrs.update(
            {
                "data-preview-url": reverse("editor_preview"),
                "data-upload-url": reverse("markdownx_upload"),
                "data-citations-url": reverse("editor_citations"),
                "data-heading-base": str(self.heading_base),
                "rows": 20,
            }
        )
        with contextlib.suppress(NoReverseMatch):
            widget_attrs["data-import-url"] = reverse("admin:clinic_reference_import")
        return context

    @property
    def media(self):
        return Media(css=EditorMedia.css, js=EditorMedia.js)


class MarkdownEditorAdmin(MarkdownxModelAdmin):
    """Markdown fields get our editor widget instead of markdownx's script."""

    Media = EditorMedia
    # Fields whose text sits under a heading of level 2 on the page (condition sections).
    markdown_under_h2: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, MarkdownxField):
            base = 2 if db_field.name in self.markdown_under_h2 else 1
            kwargs["widget"] = EditorWidget(heading_base=base)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
