from django.contrib import admin

from blog.models import Post, PostReference, Tag
from clinic.lib.uploads import ImageUploadsAdminMixin, ImageUploadsForm
from clinic.pages.admin import EditStampForm, PublishableAdmin, ReferenceInline


class PostReferenceInline(ReferenceInline):
    model = PostReference


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PostForm(ImageUploadsForm, EditStampForm):
    image_fields = {"hero_image": ("hero_alt", "posts")}


@admin.register(Post)
class PostAdmin(ImageUploadsAdminMixin, PublishableAdmin):
    form = PostForm
    list_display = ["title", "author", "state", "published_at", "next_review_due"]
    list_filter = ["status", "author", "tags"]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "tags", "conditions"]
    inlines = [PostReferenceInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "summary", "body"]}),
        ("Image", {"fields": ["hero_image", "hero_alt"], "classes": ["collapse"]}),
        ("Topics", {"fields": ["tags", "conditions"]}),
        ("Publishing and medical review", {"fields": PublishableAdmin.publishing_fields}),
    ]
