from django.urls import path

from clinic.practice.models import PracticePage
from clinic.practice.views import PracticePageView

app_name = "practice"

urlpatterns = [
    path(f"{kind}/", PracticePageView.as_view(kind=kind), name=kind)
    for kind in PracticePage.Kind.values
]
