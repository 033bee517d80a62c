"""Request logging and the friendly 503 answer when the database cannot be reached."""

import json
import logging
import time

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template.loader import get_template

logger = logging.getLogger("clinic.requests")
db_logger = logging.getLogger("clinic.database")

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def service_unavailable():
    """The 503 page; rendered without a request context, since the database is what failed."""
    response = HttpResponse(get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # clinic.database logs one line per request; Django would add a traceback to each.
    response._has_been_logged = True
    return response


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestLogMiddleware:
    """One JSON line per request: method, path (no query string), status, time, SQL queries.

    Nothing personal: no query string, no IP address, no user, no cookies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                json.dumps(
                    {
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "queries": counter.count,
                        "cache": getattr(request, "page_cache", "bypass"),
                    },
                    separators=(",", ":"),
                )
            )
        return response


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After, not a traceback.

    Django closes a broken connection at the end of the request (CONN_HEALTH_CHECKS checks a
    kept one before reuse), so the next request after the database is back simply works.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            db_logger.error("database unavailable: %s", str(exception).strip().splitlines()[0])
            return service_unavailable()
        return None
