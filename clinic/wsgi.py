import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
django_application = get_wsgi_application()

from clinic.ops.cache import fast_path  # noqa: E402  (needs the settings chosen above)

# Stored anonymous pages are answered before Django builds a request (clinic/ops/cache.py).
application = fast_path(django_application)
