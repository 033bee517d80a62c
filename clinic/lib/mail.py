"""E-mail, sent as a background task (django.tasks): a save never waits for SMTP or fails with it.

`queue_email(...)` queues one message. In production the task is a row written in the same
transaction as the save (django-tasks-db: a save that is rolled back queues nothing) and
`manage.py db_worker` sends it; in development and tests it runs at once (TASKS in
clinic/settings.py).
If the SMTP server refuses or hangs, the task fails after the mailer's timeout and is logged
("django.tasks" at ERROR); the request that queued it has long answered.
"""

from django.core import mail
from django.tasks import task


@task()
def send_email(subject: str, body: str, recipients: list[str]) -> int:
    return mail.send_mail(subject, body, None, recipients, fail_silently=False)


def queue_email(subject: str, body: str, recipients) -> None:
    recipients = [address for address in recipients if address]
    if recipients:
        send_email.enqueue(subject, body, recipients)
