from django.urls import path, re_path

from blog import views
from blog.models import Post
from clinic.references.views import ReferenceDownloadView

app_name = "blog"
urlpatterns = [
    path("", views.PostListView.as_view(), name="index"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    # Before the article pattern: a four-digit slug would otherwise look like an article.
    re_path(r"^(?P<year>[0-9]{4})/$", views.YearArchiveView.as_view(), name="archive_year"),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        views.MonthArchiveView.as_view(),
        name="archive_month",
    ),
    path("<slug:slug>/", views.PostDetailView.as_view(), name="post"),
    path(
        "<slug:slug>/references.<slug:fmt>",
        ReferenceDownloadView.as_view(model=Post),
        name="references",
    ),
]
