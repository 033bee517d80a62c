from django.utils.functional import SimpleLazyObject

from clinic.models import ClinicSettings


def clinic(request):
    return {"clinic": SimpleLazyObject(ClinicSettings.load)}
