import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from blog import feeds
from clinic.accounts import two_factor
from clinic.ops import health, media
from clinic.pages import editing, editor, review
from clinic.site import sitemaps, views

app_patterns = (
    [
        path("", views.HomeView.as_view(), name="home"),
        path("about/", views.AboutView.as_view(), name="about"),
        path("search/", views.SearchView.as_view(), name="search"),
        path(
            "practitioners/<slug:slug>/",
            views.PractitionerView.as_view(),
            name="practitioner",
        ),
        path("preview/<str:value>/", views.shared_preview, name="shared_preview"),
    ],
    "clinic",
)

feed_patterns = (
    [
        path("feed/", feeds.PostFeed(), name="posts"),
        path("feed/atom/", feeds.AtomPostFeed(), name="posts_atom"),
        path("blog/tag/<slug:slug>/feed/", feeds.TagFeed(), name="tag"),
        path("blog/tag/<slug:slug>/feed/atom/", feeds.AtomTagFeed(), name="tag_atom"),
        path("conditions/<slug:slug>/feed/", feeds.ConditionFeed(), name="condition"),
        path("conditions/<slug:slug>/feed/atom/", feeds.AtomConditionFeed(), name="condition_atom"),
    ],
    "feeds",
)

urlpatterns = [
    path("", include(app_patterns)),
    path("", include(feed_patterns)),
    # An index of one sitemap per section; long sections have pages (?p=2).
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("", include("clinic.patients.urls")),
    path("", include("clinic.practice.urls")),
    path("blog/", include("blog.urls")),
    path("conditions/", include("conditions.urls")),
    # Staff-only replacements for django-markdownx's preview and upload endpoints.
    path("editor/markdownify/", editor.markdownify, name="markdownx_markdownify"),
    path("editor/upload/", editor.upload, name="markdownx_upload"),
    # The editor's preview with writing checks, citation search and autosave (JSON).
    path("editor/preview/", editing.preview, name="editor_preview"),
    path("editor/citations/", editing.citations, name="editor_citations"),
    path(
        "editor/autosave/<str:model_label>/<int:object_id>/",
        editing.autosave_view,
        name="editor_autosave",
    ),
    # The editors' pages live under the admin and use its log-in (clinic/pages/review.py).
    path(
        f"{settings.ADMIN_PATH}/review-queue/",
        admin.site.admin_view(review.queue),
        name="review_queue",
    ),
    path(
        f"{settings.ADMIN_PATH}/review-dates/",
        admin.site.admin_view(review.dates),
        name="review_dates",
    ),
    # Two-factor log-in (clinic/accounts/two_factor.py).
    path(f"{settings.ADMIN_PATH}/two-factor/", two_factor.setup, name="two_factor_setup"),
    path(f"{settings.ADMIN_PATH}/two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path(
        f"{settings.ADMIN_PATH}/two-factor/confirm/",
        two_factor.approvals,
        name="two_factor_approvals",
    ),
    path(f"{settings.ADMIN_PATH}/", admin.site.urls),
    # For load balancers: liveness and readiness (database and cache).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

if not settings.AWS_STORAGE_BUCKET_NAME and settings.MEDIA_URL.startswith("/"):
    # Media on local disk, served by the app servers for a long lifetime (clinic/ops/media.py).
    urlpatterns.append(
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", media.media)
    )

handler404 = "clinic.site.views.page_not_found"
handler500 = "clinic.site.views.server_error"
