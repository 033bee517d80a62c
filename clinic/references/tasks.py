"""Long reference work, run as background tasks (django.tasks; TASKS in clinic/settings.py)."""

from django.tasks import task

from clinic.references import numbering


@task()
def reformat_all_references() -> None:
    """The citation style changed: every reference and every page that cites one, again.

    Thousands of references and pages take longer than a request should: the clinic's settings
    are saved at once and this runs in the task worker (immediately in development and tests).
    """
    numbering.reformat_all()
