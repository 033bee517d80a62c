"""
Fills the database with a large, realistic clinic for benchmarks and query-plan checks.

Defaults: 10,000 articles, 300 condition pages, 5,000 references, 40 tags, 12 practitioners;
`--posts 100000` for the scale benchmark (bench_scale), about 0.5 ms per article plus what
PostgreSQL's search trigger and indexes take.

Every article has its own text, drawn at random from clinical phrases (clinic/bench/vocabulary.py):
its condition page's subject, treatments, outcomes, study designs, so common words match some
articles, not all of them. Rows are written with bulk_create, with what a save would store: the
body's HTML (headings and paragraphs made directly from the generated text; one article in 250
goes through the real Markdown renderer with its citations), the reference list, the search
text, and the related-articles list (blog/related.py; here ranked among the articles of the same
condition page by shared tags, then newest, which is what a save would find for most of them).
Refuses to run on a database that already has articles unless --replace is given.
"""

import datetime
import random
from collections import defaultdict
from html import escape

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from blog import archive, condition_articles
from blog.models import Post, PostReference, Tag
from clinic.bench import vocabulary
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
        # bulk_create sends no signals: the monthly counts are recounted once, at the end.
        with transaction.atomic(), archive.paused():
            if options["replace"]:
                for model in (PostReference, ConditionReference, Post, Condition, Reference, Tag):
                    model.objects.all().delete()
                Practitioner.objects.filter(slug__startswith="bench-").delete()
            self.generate(rng, options)
            archive.rebuild()
            condition_articles.rebuild()
        if connection.vendor == "postgresql":
            # What autovacuum would do soon after on a production server: fresh statistics
            # (without them the planner guesses a dozen live articles and picks plans that read
            # all 10,000), the second pass's dead row versions gone, and the full-text GIN
            # indexes' pending lists merged (unmerged, every search reads ~330 pages of them).
            # VACUUM cannot run inside a transaction (a test's, say): there, statistics only.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
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
        for index, condition in enumerate(conditions):
            condition.index = index
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
            condition = rng.choice(conditions) if conditions else None
            post = self.post(rng, i, cited, practitioners, now, options["posts"], condition)
            post.tag_ids = [tag.pk for tag in rng.sample(tags, min(3, len(tags)))]
            posts.append(post)
        self.fill_related(posts)
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
                Post.tags.through(post_id=post.pk, tag_id=tag_id)
                for post in posts
                for tag_id in post.tag_ids
            ),
            batch_size=BATCH,
        )
        if conditions:
            Post.conditions.through.objects.bulk_create(
                (
                    Post.conditions.through(post_id=post.pk, condition_id=post.condition.pk)
                    for post in posts
                ),
                batch_size=BATCH,
            )
        # related_ids name other articles by id: known only now, after the insert.
        for post in posts:
            post.related_ids = [posts[index].pk for index in post.related_indexes]
        Post.objects.bulk_update(posts, ["related_ids"], batch_size=BATCH)

    def fill_related(self, posts, limit=12, window=200):
        """What blog/related.py would store, ranked within each condition page's articles."""
        by_condition = defaultdict(list)
        for index, post in enumerate(posts):
            if post.status == Status.PUBLISHED:
                by_condition[id(post.condition)].append(index)
        for post in posts:
            group = by_condition[id(post.condition)]
            tags = set(post.tag_ids)
            # The newest `window` of the group (the list is oldest first), best shared first.
            scored = sorted(
                (
                    (-len(tags.intersection(posts[index].tag_ids)), -index)
                    for index in group[-window:]
                    if posts[index] is not post
                ),
            )
            post.related_indexes = [-index for _, index in scored[:limit]]

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

    def post(self, rng, i, cited, practitioners, now, total, condition=None):
        topic = self.condition_topic(condition.index) if condition else "back pain"
        paragraphs = [vocabulary.paragraph(rng, topic, rng.randrange(3, 6)) for _ in range(4)]
        heading = rng.choice(["What the trials found", "What to expect", "Is it safe?"])
        if i % 250 == 0 or not hasattr(self, "_references_html"):
            # Through the real renderer: citations numbered, the reference list built.
            source = "\n\n".join(
                [paragraphs[0] + f" [@{cited[0].key}]", f"## {heading}"]
                + [
                    text + f" [@{ref.key}]"
                    for text, ref in zip(paragraphs[1:], cited[1:], strict=False)
                ]
            )
            body_html, self._references_html, search_text = self.rendered(rng, source, cited)
        else:
            source = "\n\n".join([paragraphs[0], f"## {heading}", *paragraphs[1:]])
            body_html = "\n".join(
                [f"<p>{escape(paragraphs[0])}</p>", f"<h2>{escape(heading)}</h2>"]
                + [f"<p>{escape(text)}</p>" for text in paragraphs[1:]]
            )
            search_text = " ".join([paragraphs[0], heading, *paragraphs[1:]])
        # Most are live; a few are drafts or scheduled, as on a real site.
        status = Status.DRAFT if i % 50 == 7 else Status.PUBLISHED
        published_at = now - datetime.timedelta(hours=(total - i) * 7)
        if i % 97 == 3:
            published_at = now + datetime.timedelta(days=1 + i % 30)
        summary = vocabulary.sentence(rng, topic)
        post = Post(
            title=vocabulary.title(rng, topic)[:200],
            slug=f"bench-article-{i}",
            author=practitioners[i % len(practitioners)],
            summary=summary,
            body=source,
            body_html=body_html,
            references_html=self._references_html,
            search_text=search_text,
            excerpt=summary,
            reading_minutes=max(1, round(len(search_text.split()) / 200)),
            status=status,
            published_at=published_at,
        )
        post.cited = cited
        post.condition = condition
        return post

    @staticmethod
    def condition_topic(i):
        topic = vocabulary.CONDITIONS[i % len(vocabulary.CONDITIONS)]
        rounds = i // len(vocabulary.CONDITIONS)
        return f"{topic} ({rounds + 1})" if rounds else topic

    def condition(self, rng, i, cited, now):
        if i % 50 == 0 or not hasattr(self, "_condition_html"):
            source = "\n\n".join(
                f"## {label}\n\n{paragraph(rng)} [@{cited[n % len(cited)].key}]"
                for n, (_, label) in enumerate(SECTIONS)
            )
            self._condition_html = self.rendered(rng, source, cited)
        body_html, references_html, search_text = self._condition_html
        condition = Condition(
            name=self.condition_topic(i)[0].upper() + self.condition_topic(i)[1:],
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
