"""The article page's own parts, stored as HTML on the article (`Post.page_parts`).

Everything on an article page that depends only on the article and what it shows is rendered
when it is saved, not when it is read: the header, hero, body, references, topics, condition
pages, calls to action, author box, review dates, disclaimer, the sharing tags, the JSON-LD and
the patients' approved questions. A page view prints them; only what really varies is done per
request (the neighbours, the related articles, the question form with its time stamp).

The parts are rendered again whenever something they show changes:

- the article itself, its topics or condition pages (at once, in the same transaction);
- an approved question on it (approved, answered, edited, withdrawn or deleted: at once);
- a condition page it links to: renamed, or no longer public (at once: a draft condition page
  is never named), or published (a task); one scheduled to go live is named from that moment,
  because `page_parts_until` makes the first view after it render the parts again;
- a topic renamed or deleted, its author or reviewer (or a practitioner who answered one of its
  questions) edited, the clinic's settings (the calls to action, the disclaimer, the JSON-LD's
  publisher): a task (django.tasks) that renders the articles concerned, then tells the page
  cache that content changed, since it writes with `update()` and sends no signal.

A preview renders the same templates live, from the unsaved revision (`render_parts(...,
preview=True)`): no questions and no JSON-LD there, as before.
"""

import contextlib
import contextvars

from django.contrib.contenttypes.models import ContentType
from django.db.models import Min, Prefetch, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.tasks import task
from django.template.loader import render_to_string

from clinic.ops import cache as page_cache
from clinic.patients import public
from clinic.patients.models import Comment
from clinic.practice.models import ClinicSettings, Practitioner
from clinic.templatetags.seo import page_json_ld

BATCH = 200


def render_parts(post, clinic, *, preview=False) -> dict[str, str]:
    """The article's stored parts as HTML strings (see the module docstring)."""
    context = {"post": post, "practice": clinic, "draft_preview": preview}
    parts = {
        "social": render_to_string("blog/post_social.html", context),
        "article": render_to_string("blog/post_article.html", context),
        "json_ld": "",
        "questions": "",
    }
    if not preview:
        parts["json_ld"] = page_json_ld(post, clinic)
        parts["questions"] = render_to_string(
            "patients/question_list.html", {"comments": public.approved_comments(post)}
        )
    return parts


def refresh(post_ids) -> None:
    """Render and store the parts of these articles (any status: a draft's are never shown,
    and are ready when it is published)."""
    from blog.models import Post
    from conditions.models import Condition

    ids = sorted(set(post_ids))
    if not ids:
        return
    clinic = ClinicSettings.load()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        posts = list(
            Post.objects.filter(pk__in=chunk)
            .select_related("author", "medically_reviewed_by")
            .prefetch_related(
                "tags",
                # Only public condition pages are linked or named.
                Prefetch("conditions", queryset=Condition.objects.published().only("name", "slug")),
            )
        )
        public.attach_approved_comments(posts)
        # A linked condition page scheduled to go live: render again at that moment.
        until = dict(
            Post.conditions.through.objects.filter(
                post_id__in=chunk, condition__in=Condition.objects.scheduled()
            )
            .values("post_id")
            .annotate(until=Min("condition__published_at"))
            .values_list("post_id", "until")
        )
        for post in posts:
            # update(), not save(): no signals, no re-render, no loop.
            Post.objects.filter(pk=post.pk).update(
                page_parts=render_parts(post, clinic),
                page_parts_until=until.get(post.pk),
                teaser_html=render_to_string("includes/post_teaser.html", {"post": post}),
            )


@task()
def refresh_in_background(post_ids: list[int] | None = None) -> None:
    """Render the parts of these articles (None: of every article) in the task worker, then
    mark every cached page out of date: these rows were written without signals."""
    from blog.models import Post

    refresh(Post.objects.values_list("pk", flat=True) if post_ids is None else post_ids)
    page_cache.bump_generation_on_commit()


# Inside deferred(): the articles changed so far, rendered once when the block ends.
_deferred: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "page_html_deferred", default=None
)


@contextlib.contextmanager
def deferred():
    """Many articles written in a row (a blog import): each one's parts rendered once, when the
    block ends, instead of on every save and link change."""
    if _deferred.get() is not None:  # nested: the outer block renders
        yield
        return
    changed: set[int] = set()
    token = _deferred.set(changed)
    try:
        yield
    finally:
        _deferred.reset(token)
        refresh(changed)
        if changed:
            # Written with update(): pages rendered meanwhile from the old parts are out of date.
            page_cache.bump_generation_on_commit()


def changed(post_ids) -> None:
    """These articles' parts are out of date: render them now (or when deferred() ends)."""
    pending = _deferred.get()
    if pending is None:
        refresh(post_ids)
    else:
        pending.update(post_ids)


def changed_later(post_ids) -> None:
    """As changed(), in the task worker: for a change that may concern many articles."""
    post_ids = sorted(set(post_ids))
    if post_ids:
        refresh_in_background.enqueue(post_ids)


# --- What triggers a refresh -------------------------------------------------------------------


def _post_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        changed([instance.pk])


def _post_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            changed([instance.pk])
    elif action == "pre_clear":
        # tag.posts.clear(): the articles are known only before.
        instance._page_html_posts = list(instance.posts.values_list("pk", flat=True))
    elif action == "post_clear":
        changed(getattr(instance, "_page_html_posts", []))
    elif action in ("post_add", "post_remove"):
        changed(pk_set or ())


def _remember_before(sender, instance, raw=False, **kwargs):
    """What a tag or condition page showed before this save: its name, address, visibility."""
    instance._page_html_before = None if raw or instance.pk is None else _shown(instance)


def _shown(instance):
    model = type(instance)
    row = model._default_manager.filter(pk=instance.pk).values("name", "slug").first()
    if row is not None and hasattr(model._default_manager, "published"):
        row["public"] = model._default_manager.published().filter(pk=instance.pk).exists()
    return row


def _tag_or_condition_saved(sender, instance, raw=False, created=False, **kwargs):
    before = getattr(instance, "_page_html_before", None)
    if raw or created or before is None:
        return
    now = _shown(instance)
    if now == before:
        return
    post_ids = list(instance.posts.values_list("pk", flat=True))
    if before.get("public") and not now.get("public"):
        changed(post_ids)  # no longer public: never named again, not even for a moment
    else:
        changed_later(post_ids)


def _remember_posts(sender, instance, **kwargs):
    # Deleting a tag, condition page or practitioner: its articles are known only before.
    instance._page_html_posts = list(_posts_showing(instance))


def _deleted(sender, instance, **kwargs):
    changed(getattr(instance, "_page_html_posts", []))


def _posts_showing(instance):
    from blog.models import Post

    if isinstance(instance, Practitioner):
        answered = Comment.objects.filter(answered_by=instance, content_type__model="post")
        return Post.objects.filter(
            Q(author=instance)
            | Q(medically_reviewed_by=instance)
            | Q(pk__in=answered.values("object_id"))
        ).values_list("pk", flat=True)
    return instance.posts.values_list("pk", flat=True)


def _practitioner_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        changed_later(_posts_showing(instance))


def _settings_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:  # (created: the first load(), before anything was rendered)
        refresh_in_background.enqueue(None)


def _comment_changed(sender, instance, raw=False, **kwargs):
    if raw or not instance.changes_public_pages():
        return  # a question waiting for moderation shows nowhere
    page_type = ContentType.objects.get_for_id(instance.content_type_id)
    if (page_type.app_label, page_type.model) == ("blog", "post"):
        changed([instance.object_id])


def connect():
    from blog.models import Post, Tag
    from conditions.models import Condition

    uid = "blog_page_html"
    post_save.connect(_post_saved, sender=Post, dispatch_uid=f"{uid}_post")
    for through in (Post.tags.through, Post.conditions.through):
        m2m_changed.connect(_post_links_changed, sender=through, dispatch_uid=f"{uid}_{through}")
    for model in (Tag, Condition):
        pre_save.connect(_remember_before, sender=model, dispatch_uid=f"{uid}_before_{model}")
        post_save.connect(_tag_or_condition_saved, sender=model, dispatch_uid=f"{uid}_{model}")
    for model in (Tag, Condition, Practitioner):
        pre_delete.connect(_remember_posts, sender=model, dispatch_uid=f"{uid}_pre_del_{model}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}_del_{model}")
    post_save.connect(_practitioner_saved, sender=Practitioner, dispatch_uid=f"{uid}_person")
    post_save.connect(_settings_saved, sender=ClinicSettings, dispatch_uid=f"{uid}_settings")
    post_save.connect(_comment_changed, sender=Comment, dispatch_uid=f"{uid}_comment")
    post_delete.connect(_comment_changed, sender=Comment, dispatch_uid=f"{uid}_comment_del")
