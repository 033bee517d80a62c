"""Settings for the test suite, chosen by pytest's configuration (pyproject.toml).

The same settings as production (clinic/settings.py), with its TESTING switch on: a throwaway
secret, fast password hashing, no page or fragment cache unless a test turns it on, static files
served from the source folders and quiet request logs. A process a test starts inherits this
module; it may set CLINIC_TESTING=0 to run with production behaviour instead.
"""

import os

os.environ.setdefault("CLINIC_TESTING", "1")

from clinic.settings import *  # noqa: F403
