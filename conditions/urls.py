from django.urls import path

from clinic.references.views import ReferenceDownloadView
from conditions import views
from conditions.models import Condition

app_name = "conditions"
urlpatterns = [
    path("", views.ConditionListView.as_view(), name="index"),
    path("<slug:slug>/", views.ConditionDetailView.as_view(), name="condition"),
    path(
        "<slug:slug>/references.<slug:fmt>",
        ReferenceDownloadView.as_view(model=Condition),
        name="references",
    ),
]
