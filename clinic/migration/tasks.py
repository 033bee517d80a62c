"""The import's two long steps as tasks (django.tasks): checking the file, then importing it.

Both run in a worker in production and immediately in development and tests (the default
ImmediateBackend). Progress is written to the ImportRun row, which the admin's progress page
reads; nothing holds a web request open while a worker runs them.
"""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from clinic.migration import importer, readers, storage
from clinic.migration.models import ImportRun

logger = logging.getLogger(__name__)


@task()
def preview_import(run_id: int) -> None:
    run = ImportRun.objects.get(pk=run_id)
    try:
        with storage.local_copy(run.stored_name) as path:
            plan = importer.plan(path, importer.Options.from_dict(run.options))
    except readers.ExportError as error:
        _fail(run, str(error))
        return
    except Exception:
        logger.exception("Checking the export of import run %s failed", run_id)
        _fail(run, "The file could not be checked because of an error on our side; it is logged.")
        raise
    run.preview = plan.as_dict()
    run.format, run.source, run.total = plan.format, plan.source, plan.total
    run.state = ImportRun.State.PREVIEWED
    run.save(update_fields=["preview", "format", "source", "total", "state"])


@task()
def run_import(run_id: int) -> None:
    run = ImportRun.objects.get(pk=run_id)
    run.state, run.done = ImportRun.State.RUNNING, 0
    run.save(update_fields=["state", "done"])

    def progress(done, total):
        # Its own small write outside any item's transaction, so the admin sees it at once.
        if done == total or done % 10 == 0:
            ImportRun.objects.filter(pk=run_id).update(done=done, total=max(total, done))

    try:
        with storage.local_copy(run.stored_name) as path:
            report = importer.run(
                path,
                importer.Options.from_dict(run.options),
                by=run.created_by,
                run_record=run,
                progress=progress,
                total=run.total,
            )
    except readers.ExportError as error:
        _fail(run, str(error))
        return
    except Exception:
        logger.exception("Import run %s failed", run_id)
        _fail(
            run,
            "The import stopped because of an error on our side; it is logged. "
            "What was imported before it stays, and importing again continues safely.",
        )
        raise
    with transaction.atomic():
        run.refresh_from_db()
        run.report = report
        run.state, run.done = ImportRun.State.DONE, run.total
        run.finished_at = timezone.now()
        run.save(update_fields=["report", "state", "done", "finished_at"])


def _fail(run, message):
    run.state, run.error, run.finished_at = ImportRun.State.FAILED, message, timezone.now()
    run.save(update_fields=["state", "error", "finished_at"])
