"""Write a large Blogger Takeout export (feed.atom) for the import benchmark.

Default: 1,000 posts, 3,000 comments and 5,000 distinct references (five per post, as trailing
x-small lines with superscript markers), written the way Blogger writes them, streamed to the
file so that any size can be made.
"""

import random
from xml.sax.saxutils import escape

from django.core.management.base import BaseCommand

BLOG = "tag:blogger.com,1999:blog-9000000000"
LABELS = ["Back Pain", "Acupuncture", "Neck pain", "Headache", "Knee pain", "Stress and anxiety",
          "Evidence", "Sleep", "Pregnancy", "Sport"]  # fmt: skip
JOURNALS = [("Arch Intern Med", "Archives"), ("BMJ", "BMJ"), ("Pain", "Pain"),
            ("Acupunct Med", "Acupuncture"), ("J Pain", "J Pain")]  # fmt: skip
FAMILIES = ["Cherkin", "Furlan", "Vickers", "Haake", "Witt", "Brinkhaus", "MacPherson", "Linde",
            "Manheimer", "Yuan", "Lee", "Kim", "Chen", "Smith", "Jones", "Patel"]  # fmt: skip
WORDS = [
    "acupuncture",
    "pain",
    "trial",
    "patients",
    "needle",
    "treatment",
    "sham",
    "evidence",
    "review",
    "chronic",
    "back",
    "neck",
    "knee",
    "headache",
    "randomised",
    "control",
    "group",
    "outcome",
    "week",
    "month",
    "function",
]


def reference(number: int, rng: random.Random) -> str:
    authors = ", ".join(
        f"{rng.choice(FAMILIES)} {rng.choice('ABCDEFGH')}{rng.choice('JKLMN')}"
        for _ in range(rng.randint(1, 4))
    )
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))).capitalize()
    journal = rng.choice(JOURNALS)[0]
    year = rng.randint(1995, 2024)
    return (
        f"{authors}. {title} {number}. {journal}. {year};{rng.randint(1, 200)}"
        f"({rng.randint(1, 12)}):{rng.randint(1, 900)}-{rng.randint(901, 999)}. "
        f"doi:10.5555/bench.{number}"
    )


def post_html(number: int, refs: list[str], rng: random.Random) -> str:
    paragraphs = []
    for index in range(len(refs)):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 80)))
        paragraphs.append(
            f'<div style="text-align: justify;"><span style="font-family: arial;">'
            f"{text.capitalize()}.<sup>{index + 1}</sup>&nbsp;</span></div><div><br /></div>"
        )
    image = (
        '<div class="separator" style="clear: both; text-align: center;"><a href="https://'
        f'blogger.googleusercontent.com/img/b/bench/s1600/post{number}.jpg"><img border="0" '
        f'src="https://blogger.googleusercontent.com/img/b/bench/s320/post{number}.jpg" '
        'width="320" /></a></div>'
    )
    listing = "".join(
        f'<div><span style="font-size: x-small;">{n}. {escape(text)}</span></div>'
        for n, text in enumerate(refs, 1)
    )
    return f'<div dir="ltr" style="text-align: left;">{"".join(paragraphs)}{image}{listing}</div>'


class Command(BaseCommand):
    help = "Write a large Blogger Takeout export (feed.atom) for the import benchmark."

    def add_arguments(self, parser):
        parser.add_argument("output", help="Where to write the feed.atom file.")
        parser.add_argument("--posts", type=int, default=1000)
        parser.add_argument("--comments", type=int, default=3000)
        parser.add_argument("--references", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=17)

    def handle(self, *args, output, posts, comments, references, seed, **options):
        rng = random.Random(seed)
        per_post, extra = divmod(references, max(posts, 1))
        made = 0
        with open(output, "w", encoding="utf-8") as out:
            out.write(
                "<?xml version='1.0' encoding='utf-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom'"
                " xmlns:blogger='http://schemas.google.com/blogger/2018'>\n"
                f"<id>{BLOG}</id><title>Benchmark blog</title>\n"
            )
            for number in range(1, posts + 1):
                count = per_post + (1 if number <= extra else 0)
                refs = [reference(made + i + 1, rng) for i in range(count)]
                made += count
                year, month = 2010 + number % 14, number % 12 + 1
                labels = "".join(
                    f"<category term='{escape(label)}'/>" for label in rng.sample(LABELS, 2)
                )
                out.write(
                    f"<entry><id>{BLOG}.post-{number}</id><blogger:type>POST</blogger:type>"
                    "<blogger:status>LIVE</blogger:status><author><name>Helen Marsh</name>"
                    "<uri>https://www.blogger.com/profile/1</uri><blogger:type>BLOGGER"
                    f"</blogger:type></author><title>Benchmark post {number}: "
                    f"{escape(rng.choice(WORDS))}</title><content type='html'>"
                    f"{escape(post_html(number, refs, rng))}</content>"
                    f"<published>{year}-{month:02d}-{number % 28 + 1:02d}T09:00:00.000Z</published>"
                    f"<updated>{year}-{month:02d}-{number % 28 + 1:02d}T09:00:00.000Z</updated>"
                    f"{labels}<blogger:filename>/{year}/{month:02d}/benchmark-post-{number}.html"
                    "</blogger:filename></entry>\n"
                )
            for number in range(1, comments + 1):
                parent = rng.randint(1, posts)
                text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 40)))
                out.write(
                    f"<entry><id>{BLOG}.post-c{number}</id><blogger:type>COMMENT</blogger:type>"
                    "<blogger:status>LIVE</blogger:status><author><name>Reader "
                    f"{number}</name><blogger:type>ANONYMOUS</blogger:type></author>"
                    f"<content type='html'>{escape(text)}</content>"
                    "<published>2024-01-01T10:00:00.000Z</published>"
                    f"<blogger:parent>{BLOG}.post-{parent}</blogger:parent></entry>\n"
                )
            out.write("</feed>\n")
        self.stdout.write(
            f"Wrote {posts} posts, {comments} comments, {made} references to {output}"
        )
