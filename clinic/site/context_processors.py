from django.utils.functional import SimpleLazyObject

from clinic.ops.cache import fragment
from clinic.practice.models import ClinicSettings


def clinic(request):
    return {"clinic": SimpleLazyObject(lambda: fragment("clinic-settings", ClinicSettings.load))}
