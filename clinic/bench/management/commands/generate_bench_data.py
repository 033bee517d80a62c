"""
Fills the database with a large, realistic clinic for benchmarks and query-plan checks.

Defaults: 10,000 articles, 300 condition pages, 5,000 references, 40 tags, 12 practitioners.
Rows are written with bulk_create; the Markdown of a few model pages is rendered once through
the real renderer and its stored HTML reused, so the pages look like real ones at a fraction of
the time. Refuses to run on a database that already has articles unless --replace is given.
"""

import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from blog.models import Post, PostReference, Tag
from clinic.lib import markdown
from clinic.pages.publishing import Status
from clinic.practice.models import ClinicSettings, Practitioner
from clinic.references.models import Reference
from conditions.models import SECTIONS, Condition, ConditionReference

WORDS = [
    "acupuncture",
    "needle",
    "pain",
    "back",
    "knee",
    "neck",
    "shoulder",
    "headache",
    "migraine",
    "trial",
    "evidence",
    "placebo",
    "sham",
    "treatment",
    "session",
    "patient",
    "doctor",
    "review",
    "randomised",
    "controlled",
    "outcome",
    "function",
    "sleep",
    "nerve",
    "muscle",
    "trigger",
    "point",
    "chronic",
    "acute",
    "weeks",
    "months",
    "relief",
    "safety",
    "bruising",
    "guideline",
    "exercise",
    "physiotherapy",
    "medication",
    "dose",
    "follow-up",
    "quality",
    "life",
    "measure",
    "scale",
    "moderate",
]
SURNAMES = [
    "Cherkin",
    "Vickers",
    "MacPherson",
    "Witt",
    "Linde",
    "Haake",
    "Brinkhaus",
    "Hopton",
    "Lewith",
    "White",
    "Ernst",
    "Yuan",
    "Manheimer",
    "Foster",
    "Hay",
    "Thomas",
    "Sherman",
    "Berman",
    "Lao",
    "Hinman",
]
BATCH = 1000


def sentence(rng, words=14):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng, sentences=5):
    return " ".join(sentence(rng) for _ in range(sentences))


class Command(BaseCommand):
    help = "Generate a large demo data set (10,000 articles by default) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=10_000)
        parser.add_argument("--conditions", type=int, default=300)
        parser.add_argument("--references", type=int, default=5_000)
        parser.add_argument("--tags", type=int, default=40)
        parser.add_argument("--practitioners", type=int, default=12)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--replace", action="store_true", help="Delete existing content first.")

    def handle(self, *args, **options):
        has_content = Post.objects.exists() or Condition.objects.exists()
        if has_content and not options["replace"]:
            raise CommandError(
                "The database already has content; use --replace to delete it first."
            )
        rng = random.Random(options["seed"])
        with transaction.atomic():
            if options["replace"]:
                for model in (PostReference, ConditionReference, Post, Condition, Reference, Tag):
                    model.objects.all().delete()
                Practitioner.objects.filter(slug__startswith="bench-").delete()
            self.generate(rng, options)
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would gather soon after: without them the planner
            # guesses a dozen live articles and picks plans that read all 10,000.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"Generated {options['posts']} articles, {options['conditions']} condition pages, "
            f"{options['references']} references."
        )

    def generate(self, rng, options):
        clinic = ClinicSettings.load()
        if not clinic.tagline:
            clinic.tagline = "Acupuncture from a medical doctor, explained with the evidence"
            clinic.phone = "01865 000 000"
            clinic.disclaimer = "For information only; not a substitute for your own doctor."
            clinic.save()
        practitioners = Practitioner.objects.bulk_create(
            Practitioner(
                honorific="Dr",
                name=f"{rng.choice(['Helen', 'Omar', 'Priya', 'James'])} {SURNAMES[i % 20]} {i}",
                slug=f"bench-{i}",
                post_nominals="MBChB MRCGP",
                job_title="GP and medical acupuncturist",
                short_bio=sentence(rng, 20),
                bio_html=f"<p>{paragraph(rng)}</p>",
            )
            for i in range(options["practitioners"])
        )
        tags = Tag.objects.bulk_create(
            Tag(name=f"Topic {i} {rng.choice(WORDS)}", slug=f"topic-{i}")
            for i in range(options["tags"])
        )
        references = Reference.objects.bulk_create(
            (self.reference(rng, i) for i in range(options["references"])), batch_size=BATCH
        )
        now = timezone.now()

        conditions = []
        for i in range(options["conditions"]):
            cited = rng.sample(references, min(8, len(references)))
            conditions.append(self.condition(rng, i, cited, now))
        conditions = Condition.objects.bulk_create(conditions, batch_size=BATCH)
        ConditionReference.objects.bulk_create(
            (
                ConditionReference(condition=condition, reference=reference, order=order)
                for condition in conditions
                for order, reference in enumerate(condition.cited)
            ),
            batch_size=BATCH,
        )

        posts = []
        for i in range(options["posts"]):
            cited = rng.sample(references, min(5, len(references)))
            posts.append(self.post(rng, i, cited, practitioners, now, options["posts"]))
        posts = Post.objects.bulk_create(posts, batch_size=BATCH)
        PostReference.objects.bulk_create(
            (
                PostReference(post=post, reference=reference, order=order)
                for post in posts
                for order, reference in enumerate(post.cited)
            ),
            batch_size=BATCH,
        )
        Post.tags.through.objects.bulk_create(
            (
                Post.tags.through(post_id=post.pk, tag_id=tag.pk)
                for post in posts
                for tag in rng.sample(tags, min(3, len(tags)))
            ),
            batch_size=BATCH,
        )
        if conditions:
            Post.conditions.through.objects.bulk_create(
                (
                    Post.conditions.through(post_id=post.pk, condition_id=rng.choice(conditions).pk)
                    for post in posts
                ),
                batch_size=BATCH,
            )

    def reference(self, rng, i):
        family = SURNAMES[i % len(SURNAMES)]
        year = 1995 + i % 30
        title = sentence(rng, 12)[:-1]
        text = f"{family} A, {rng.choice(SURNAMES)} B. {title}. BMJ. {year};{i % 400}:{i}."
        return Reference(
            key=f"{family.lower()}{year}-{i}",
            authors=[{"family": family, "given": "A"}, {"family": rng.choice(SURNAMES)}],
            title=title,
            container_title="British Medical Journal",
            container_title_short="BMJ",
            year=year,
            volume=str(i % 400),
            pages=str(i),
            doi=f"10.5555/clinic-bench.{i}",
            study_type=Reference.StudyType.RCT,
            formatted_text=text,
            formatted_html=text,
        )

    def rendered(self, rng, source, cited):
        rendered = markdown.render(source, known_keys={reference.key for reference in cited})
        search_text = " ".join(strip_tags(markdown.strip_citations(rendered.html)).split())
        references_html = "<ol class='references'>" + "".join(
            f'<li id="ref-{n}">{reference.formatted_html}</li>'
            for n, reference in enumerate(cited, 1)
        )
        return rendered.html, references_html + "</ol>", search_text

    def post(self, rng, i, cited, practitioners, now, total):
        if i % 250 == 0 or not hasattr(self, "_post_html"):
            source = "\n\n".join(
                [paragraph(rng) + f" [@{cited[0].key}]", "## What the trials found"]
                + [paragraph(rng) + f" [@{ref.key}]" for ref in cited[1:]]
                + ["- " + sentence(rng, 8) for _ in range(4)]
            )
            self._post_html = self.rendered(rng, source, cited)
        body_html, references_html, search_text = self._post_html
        # Most are live; a few are drafts or scheduled, as on a real site.
        status = Status.DRAFT if i % 50 == 7 else Status.PUBLISHED
        published_at = now - datetime.timedelta(hours=(total - i) * 7)
        if i % 97 == 3:
            published_at = now + datetime.timedelta(days=1 + i % 30)
        summary = sentence(rng, 24)
        post = Post(
            title=sentence(rng, 6)[:-1].capitalize(),
            slug=f"bench-article-{i}",
            author=practitioners[i % len(practitioners)],
            summary=summary,
            body=f"Generated article {i}.",
            body_html=body_html,
            references_html=references_html,
            search_text=search_text,
            excerpt=summary,
            reading_minutes=3,
            status=status,
            published_at=published_at,
        )
        post.cited = cited
        return post

    def condition(self, rng, i, cited, now):
        if i % 50 == 0 or not hasattr(self, "_condition_html"):
            source = "\n\n".join(
                f"## {label}\n\n{paragraph(rng)} [@{cited[n % len(cited)].key}]"
                for n, (_, label) in enumerate(SECTIONS)
            )
            self._condition_html = self.rendered(rng, source, cited)
        body_html, references_html, search_text = self._condition_html
        condition = Condition(
            name=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}",
            slug=f"bench-condition-{i}",
            summary=sentence(rng, 20),
            excerpt=sentence(rng, 20),
            **{field: paragraph(rng, 2) for field, _ in SECTIONS},
            body_html=body_html,
            references_html=references_html,
            search_text=search_text,
            status=Status.PUBLISHED,
            published_at=now - datetime.timedelta(days=i + 1),
        )
        condition.cited = cited
        return condition
