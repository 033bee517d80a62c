from django.urls import path

from blog import views

app_name = "blog"
urlpatterns = [
    path("", views.PostListView.as_view(), name="index"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("<slug:slug>/", views.PostDetailView.as_view(), name="post"),
]
