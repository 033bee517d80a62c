from django.utils.functional import SimpleLazyObject

from clinic.cache import fragment
from clinic.models import ClinicSettings


def clinic(request):
    return {"clinic": SimpleLazyObject(lambda: fragment("clinic-settings", ClinicSettings.load))}
