"""The practice's public pages: privacy, accessibility, complaints, fees (one view)."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from clinic.practice.models import PracticePage


class PracticePageView(DetailView):
    template_name = "practice/page.html"
    context_object_name = "page"
    kind = ""

    def get_object(self, queryset=None):
        return get_object_or_404(PracticePage, kind=self.kind)
