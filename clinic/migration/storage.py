"""Where uploaded exports wait between the preview and the import: never in public media.

They hold drafts and commenters' e-mail addresses, so they are kept in a private folder
(``DATA_DIR/imports`` unless ``MIGRATION_UPLOAD_DIR`` says otherwise; in production a folder the
task worker shares with the app servers) and deleted when the import is done or abandoned.
"""

import contextlib
import secrets
from pathlib import Path

from django.conf import settings


def folder() -> Path:
    path = Path(
        getattr(settings, "MIGRATION_UPLOAD_DIR", "") or Path(settings.DATA_DIR) / "imports"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def save(uploaded) -> str:
    name = f"{secrets.token_hex(16)}.xml"
    with open(folder() / name, "wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    return name


@contextlib.contextmanager
def local_copy(name: str):
    yield folder() / Path(name).name


def delete(name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        (folder() / Path(name).name).unlink()
