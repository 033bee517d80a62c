"""
Bulk actions on the lists of articles and condition pages: each runs the workflow's own step
(clinic/workflow.py) page by page, so the same rules, records and e-mails apply as when the step
is taken on one page. A page the step cannot be taken on is listed with the reason; the others
go ahead.
"""

from django.contrib import admin, messages

from clinic.pages import workflow


def _each(modeladmin, request, queryset, step, done: str):
    succeeded, refused = [], []
    for page in queryset:
        try:
            step(page)
        except workflow.WorkflowError as error:
            refused.append(f"{page}: {error}")
        else:
            succeeded.append(str(page))
    if succeeded:
        modeladmin.message_user(request, f"{done}: {', '.join(succeeded)}.", messages.SUCCESS)
    for reason in refused:
        modeladmin.message_user(request, reason, messages.WARNING)


@admin.action(description="Submit selected pages for review", permissions=["change"])
def submit_for_review(modeladmin, request, queryset):
    _each(
        modeladmin,
        request,
        queryset,
        lambda page: workflow.submit(page=page, by=request.user),
        "Submitted for review",
    )


@admin.action(description="Publish selected pages now", permissions=["publish"])
def publish(modeladmin, request, queryset):
    _each(
        modeladmin,
        request,
        queryset,
        lambda page: workflow.approve(page=page, by=request.user),
        "Published",
    )


@admin.action(description="Unpublish selected pages", permissions=["publish"])
def unpublish(modeladmin, request, queryset):
    _each(
        modeladmin,
        request,
        queryset,
        lambda page: workflow.unpublish(page=page, by=request.user),
        "Unpublished",
    )


@admin.action(
    description="Mark selected pages as medically reviewed by me", permissions=["publish"]
)
def mark_reviewed(modeladmin, request, queryset):
    reviewer = getattr(request.user, "practitioner", None)
    if reviewer is None:
        modeladmin.message_user(
            request,
            "Only a practitioner can mark pages as medically reviewed: your log-in has no "
            "practitioner profile.",
            messages.ERROR,
        )
        return
    _each(
        modeladmin,
        request,
        queryset,
        lambda page: workflow.mark_reviewed(page=page, by=request.user, reviewer=reviewer),
        f"Marked as medically reviewed by {reviewer}",
    )


ACTIONS = [submit_for_review, publish, unpublish, mark_reviewed]
