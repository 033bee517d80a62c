from django.utils.functional import SimpleLazyObject

from clinic.ops.cache import fragment
from clinic.practice.models import ClinicSettings


def practice(request):
    return {"practice": SimpleLazyObject(lambda: fragment("clinic-settings", ClinicSettings.load))}
