"""The page types: every model built on Publishable registers itself here.

The shared core (review queue, cache, backup, the overdue-review reminders) asks this registry
for "every page type" instead of naming blog or conditions, so a third page type is one
`register()` call in its app's `AppConfig.ready()` (compare healthchecks' `TRANSPORTS`, which
names its integrations rather than importing them).
"""

_page_types: list = []


def register(model) -> None:
    """Add a Publishable model; its app calls this from `AppConfig.ready()`."""
    _app_label, codename = model.publish_permission.split(".", 1)
    # Two-factor log-in (clinic.accounts) recognises publishers by this codename prefix.
    if not codename.startswith("publish_"):
        raise ValueError(f"{model.__name__}.publish_permission must be 'app.publish_<name>'.")
    if model not in _page_types:
        _page_types.append(model)


def page_models() -> list:
    """Every registered page type, in the order their apps are installed."""
    return list(_page_types)
