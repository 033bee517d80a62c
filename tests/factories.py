import datetime

import factory
from django.utils import timezone

from blog.models import Post, PostReference, Tag
from clinic.models import Practitioner, Reference
from clinic.pages.publishing import Status
from conditions.models import Condition, ConditionReference


class PractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practitioner
        django_get_or_create = ["slug"]

    honorific = "Dr"
    name = "Helen Marsh"
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    post_nominals = "MBChB MRCGP"
    job_title = "GP and medical acupuncturist"
    qualifications = "MBChB\nMRCGP"
    registration_body = "General Medical Council"
    registration_number = "0000000"
    short_bio = "A GP who practises medical acupuncture."
    bio = "Dr Marsh has been a GP since 2009."


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    key = factory.Sequence(lambda n: f"smith{2000 + n}")
    authors = factory.LazyFunction(lambda: [{"family": "Smith", "given": "J"}])
    title = factory.Sequence(lambda n: f"A randomised trial number {n}")
    container_title = "British Medical Journal"
    container_title_short = "BMJ"
    year = 2020
    volume = "370"
    # Each its own first page: the same journal, year, volume and first page is the same source.
    pages = factory.Sequence(lambda n: f"e{n + 1}")
    study_type = Reference.StudyType.RCT


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    author = factory.SubFactory(PractitionerFactory)
    summary = "A short summary of the article."
    body = "Some **Markdown** text about acupuncture."
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Condition

    name = factory.Sequence(lambda n: f"Condition {n}")
    slug = factory.Sequence(lambda n: f"condition-{n}")
    summary = "A common condition."
    overview = "An overview of the condition."
    symptoms = "- aching"
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


def attach(page, *references):
    """Attach references to a post or condition page, in order, and render it again."""
    link_model = PostReference if isinstance(page, Post) else ConditionReference
    owner = "post" if isinstance(page, Post) else "condition"
    for order, reference in enumerate(references):
        link_model.objects.create(**{owner: page}, reference=reference, order=order)
    page.save()
    return page
