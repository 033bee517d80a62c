"""
Loads the demo clinic: a practitioner, two articles, the Back Pain page and their references.

Idempotent: run it again and it updates the same rows (matched by slug, key or username). Demo
accounts get a fresh random password on every run, printed once here and stored nowhere else.
"""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from blog.models import Post, PostReference, Tag
from clinic.pages.publishing import Status
from clinic.practice.models import (
    ClinicSettings,
    OpeningException,
    OpeningHours,
    PracticePage,
    Practitioner,
)
from clinic.references.models import Reference
from conditions.models import Condition, ConditionReference

CLINIC = {
    "name": "Riverside Medical Acupuncture",
    "tagline": "Acupuncture from a medical doctor, explained with the evidence",
    "street_address": "12 Mill Lane, Riverside",
    "locality": "Oxford",
    "postcode": "OX1 1AA",
    "latitude": "51.748200",
    "longitude": "-1.261900",
    "directions": (
        "A ten-minute walk from Oxford railway station: follow Botley Road west and turn left "
        "into Mill Lane after the bridge. Buses 4 and 5 stop at Mill Lane, 50 metres away."
    ),
    "parking": (
        "Two marked spaces in front of the building, one of them a wider space for Blue Badge "
        "holders. The Oxpens car park (pay and display) is a five-minute walk."
    ),
    "step_free_access": (
        "Level entrance from the street with an automatic door. The waiting room, the treatment "
        "room and an accessible toilet are on the ground floor. The treatment couch rises and "
        "lowers. Assistance dogs are welcome."
    ),
    "medical_specialty": "Musculoskeletal",
    "phone": "01865 000 000",
    "email": "hello@riverside-acupuncture.example",
    "disclaimer": (
        "This article is for information only. It is not a substitute for advice from your own "
        "doctor, who knows your medical history. If you are worried about a symptom, speak to "
        "your GP, call NHS 111, or in an emergency call 999."
    ),
    "about": (
        "Riverside Medical Acupuncture is a small practice run by a GP who has trained in "
        "Western medical acupuncture. We treat adults with long-term pain and some other "
        "conditions, alongside the care you get from your own GP.\n\n"
        "## What to expect\n\n"
        "Your first appointment lasts about an hour. We take a full medical history, examine "
        "you, and talk through whether acupuncture is likely to help and what else might. "
        "If it is not right for you, we will say so.\n\n"
        "## Our approach to evidence\n\n"
        "Every article and condition page on this site lists the studies behind it, who wrote "
        "it, who checked it and when. Where the evidence is weak or mixed, we say that too."
    ),
}

# The practice's information (clinic/practice): opening hours, a holiday, the pages every
# clinic must publish. Sensible starting text for a small UK practice; edit it in the admin.
WEEKLY_HOURS = [
    (day, datetime.time(9), datetime.time(18))
    for day in range(4)  # Monday to Thursday
] + [(4, datetime.time(9), datetime.time(13))]  # Friday morning

PRACTICE_PAGES = {
    "privacy": (
        "Privacy notice",
        "## Who we are\n\n"
        "Riverside Medical Acupuncture, 12 Mill Lane, Riverside, Oxford OX1 1AA, is the data "
        "controller for the information you give us. Contact us about your data at "
        "hello@riverside-acupuncture.example or on 01865 000 000.\n\n"
        "## What we collect and why\n\n"
        "- **Appointment requests and enquiries** sent through our contact form: your name, "
        "how to reach you, your preferred times and what you tell us it is about. We use them "
        "only to reply to you and arrange your care. Because this can be health information, we "
        "hold it under UK GDPR Article 9(2)(h) (the provision of health care).\n"
        "- **Questions on our articles**: your name (shown with your question once we approve "
        "it) and your e-mail address (never shown; only to reply privately).\n"
        "- **Clinical records** once you are our patient, kept as the law on medical records "
        "requires.\n\n"
        "## How we keep it safe\n\n"
        "What you send through the website is encrypted in our database and its backups. "
        "E-mails telling our staff about a new request contain no details of it. Only our "
        "reception staff can read requests, and every time they do it is recorded.\n\n"
        "## How long we keep it\n\n"
        "A request is deleted 90 days after we have booked your appointment or closed the "
        "enquiry. Questions that we do not publish are deleted 90 days after we decide.\n\n"
        "## Your rights\n\n"
        "You may ask for a copy of what we hold about you, ask us to correct it, or ask us to "
        "delete it. Write to us at the address above; we answer within one month. If you are "
        "unhappy with how we handle your data, you can complain to the Information "
        "Commissioner's Office (ico.org.uk, 0303 123 1113).\n\n"
        "## Cookies\n\n"
        "This website sets no cookies for visitors and uses no analytics or third-party "
        "scripts.",
    ),
    "accessibility": (
        "Accessibility statement",
        "We want as many people as possible to be able to use this website. You should be "
        "able to:\n\n"
        "- zoom in up to 400% without the text spilling off the screen;\n"
        "- use the whole site with a keyboard or a screen reader, and without JavaScript;\n"
        "- change colours and fonts in your browser.\n\n"
        "## How accessible this website is\n\n"
        "We test every page type against the Web Content Accessibility Guidelines (WCAG) 2.2 "
        "at level AA with automated checks (axe-core) and by hand, at phone and desktop sizes. "
        "We know of no failures. Reference lists from journals may contain abbreviations.\n\n"
        "## The clinic building\n\n"
        "There is step-free access from the street to the treatment room and an accessible "
        "toilet on the ground floor. Tell us if you need anything else, such as a longer "
        "appointment or someone with you.\n\n"
        "## Reporting problems\n\n"
        "If you find a problem or need information in another format, call 01865 000 000 or "
        "e-mail hello@riverside-acupuncture.example. We reply within five working days. If you "
        "are not happy with our answer, contact the Equality Advisory and Support Service "
        "(EASS).",
    ),
    "complaints": (
        "Complaints procedure",
        "We want to hear if something has gone wrong, so that we can put it right.\n\n"
        "## How to complain\n\n"
        "Speak to us at the clinic, call 01865 000 000, e-mail "
        "hello@riverside-acupuncture.example or write to us. Please do so within 12 months of "
        "the event (or of realising there was a problem).\n\n"
        "## What happens next\n\n"
        "1. We acknowledge your complaint within 3 working days.\n"
        "2. Dr Helen Marsh looks into it and may ask to talk it through with you.\n"
        "3. We give you a full written reply within 20 working days, or tell you why it will "
        "take longer.\n\n"
        "Complaining will not affect your care.\n\n"
        "## If you are not satisfied\n\n"
        "You can take your complaint to the Independent Sector Complaints Adjudication Service "
        "(ISCAS), or about a doctor's fitness to practise to the General Medical Council "
        "(gmc-uk.org).",
    ),
    "fees": (
        "Fees",
        "| Appointment | Length | Fee |\n"
        "| --- | --- | --- |\n"
        "| First consultation and treatment | 60 minutes | £85 |\n"
        "| Follow-up treatment | 30 minutes | £55 |\n"
        "| Course of six follow-up treatments, paid in advance | six of 30 minutes | £300 |\n\n"
        "We accept card payments at the clinic. Many private health insurers cover treatment by "
        "a registered doctor: check with your insurer before your first appointment.\n\n"
        "## Cancelling\n\n"
        "Please give us 24 hours' notice if you cannot come; we may charge half the fee for a "
        "missed appointment without notice.",
    ),
}


PRACTITIONER = {
    "honorific": "Dr",
    "name": "Helen Marsh",
    "slug": "helen-marsh",
    "post_nominals": "MBChB MRCGP DipMedAc",
    "job_title": "General practitioner and medical acupuncturist",
    "qualifications": (
        "MBChB, University of Bristol\n"
        "Member of the Royal College of General Practitioners (MRCGP)\n"
        "Diploma in Medical Acupuncture, British Medical Acupuncture Society"
    ),
    "registration_body": "General Medical Council",
    "registration_number": "0000000 (demo)",
    "short_bio": (
        "Dr Helen Marsh is a GP with twenty years' experience who trained in Western medical "
        "acupuncture. She writes about what the research does and does not show."
    ),
    "bio": (
        "Dr Helen Marsh qualified in medicine in 2004 and has worked as a general practitioner "
        "since 2009. She trained in Western medical acupuncture with the British Medical "
        "Acupuncture Society and has offered it to patients with long-term pain for over ten "
        "years.\n\n"
        "She is interested in how patients can judge health claims for themselves, and every "
        "page she writes here links to the studies behind it."
    ),
}

# Real published studies, as CSL-JSON; the keys are what the articles cite.
REFERENCES = [
    {
        "id": "cherkin2009",
        "type": "article-journal",
        "author": [
            {"family": "Cherkin", "given": "DC"},
            {"family": "Sherman", "given": "KJ"},
            {"family": "Avins", "given": "AL"},
            {"family": "Erro", "given": "JH"},
            {"family": "Ichikawa", "given": "L"},
            {"family": "Barlow", "given": "WE"},
            {"family": "Delaney", "given": "K"},
            {"family": "Hawkes", "given": "R"},
            {"family": "Hamilton", "given": "L"},
            {"family": "Pressman", "given": "A"},
            {"family": "Khalsa", "given": "PS"},
            {"family": "Deyo", "given": "RA"},
        ],
        "title": "A randomized trial comparing acupuncture, simulated acupuncture, and usual "
        "care for chronic low back pain",
        "container-title": "Archives of Internal Medicine",
        "container-title-short": "Arch Intern Med",
        "issued": {"date-parts": [[2009, 5, 11]]},
        "volume": "169",
        "issue": "9",
        "page": "858-866",
        "DOI": "10.1001/archinternmed.2009.65",
        "PMID": "19433697",
        "PMCID": "PMC2832641",
        "_study_type": "rct",
        "_participants": 638,
    },
    {
        "id": "furlan2005",
        "type": "article-journal",
        "author": [
            {"family": "Furlan", "given": "AD"},
            {"family": "van Tulder", "given": "MW"},
            {"family": "Cherkin", "given": "DC"},
            {"family": "Tsukayama", "given": "H"},
            {"family": "Lao", "given": "L"},
            {"family": "Koes", "given": "BW"},
            {"family": "Berman", "given": "BM"},
        ],
        "title": "Acupuncture and dry-needling for low back pain",
        "container-title": "Cochrane Database of Systematic Reviews",
        "container-title-short": "Cochrane Database Syst Rev",
        "issued": {"date-parts": [[2005, 1, 25]]},
        "issue": "1",
        "number": "CD001351",
        "DOI": "10.1002/14651858.CD001351.pub2",
        "PMID": "15674876",
        "_study_type": "systematic_review",
    },
    {
        "id": "clementefuentes2020",
        "type": "article-journal",
        "author": [
            {"family": "Clemente Fuentes", "given": "R"},
            {"family": "Diaz", "given": "I"},
        ],
        "title": "Acupuncture for low back pain",
        "container-title": "Canadian Family Physician",
        "container-title-short": "Can Fam Physician",
        "issued": {"date-parts": [[2020, 3]]},
        "volume": "66",
        "issue": "3",
        "page": "186-187",
        "_study_type": "narrative_review",
    },
    {
        "id": "wen2021",
        "type": "article-journal",
        "author": [
            {"family": "Wen", "given": "Q"},
            {"family": "Ma", "given": "P"},
            {"family": "Dong", "given": "X"},
            {"family": "Sun", "given": "R"},
            {"family": "Lan", "given": "L"},
            {"family": "Yin", "given": "T"},
            {"family": "Qu", "given": "Y"},
            {"family": "Liu", "given": "Y"},
            {"family": "Xiao", "given": "Q"},
            {"family": "Zeng", "given": "F"},
        ],
        "title": "Neuroimaging studies of acupuncture on low back pain: a systematic review",
        "container-title": "Frontiers in Neuroscience",
        "container-title-short": "Front Neurosci",
        "issued": {"date-parts": [[2021, 9, 20]]},
        "volume": "15",
        "number": "730322",
        "DOI": "10.3389/fnins.2021.730322",
        "_study_type": "systematic_review",
    },
    {
        "id": "nice2016",
        "type": "report",
        "author": [{"literal": "National Institute for Health and Care Excellence"}],
        "title": "Low back pain and sciatica in over 16s: assessment and management (NG59)",
        "publisher": "NICE",
        "issued": {"date-parts": [[2016, 11, 30]]},
        "URL": "https://www.nice.org.uk/guidance/ng59",
        "accessed": {"date-parts": [[2026, 11, 1]]},
        "_study_type": "guideline",
    },
    {
        "id": "nice2021",
        "type": "report",
        "author": [{"literal": "National Institute for Health and Care Excellence"}],
        "title": "Chronic pain (primary and secondary) in over 16s: assessment of all chronic "
        "pain and management of chronic primary pain (NG193)",
        "publisher": "NICE",
        "issued": {"date-parts": [[2021, 4, 7]]},
        "URL": "https://www.nice.org.uk/guidance/ng193",
        "accessed": {"date-parts": [[2026, 11, 1]]},
        "_study_type": "guideline",
    },
    {
        "id": "amorim2018",
        "type": "article-journal",
        "author": [
            {"family": "Amorim", "given": "D"},
            {"family": "Amado", "given": "J"},
            {"family": "Brito", "given": "I"},
            {"family": "Fiuza", "given": "SM"},
            {"family": "Amorim", "given": "N"},
            {"family": "Costeira", "given": "C"},
            {"family": "Machado", "given": "J"},
        ],
        "title": "Acupuncture and electroacupuncture for anxiety disorders: a systematic review "
        "of the clinical research",
        "container-title": "Complementary Therapies in Clinical Practice",
        "container-title-short": "Complement Ther Clin Pract",
        "issued": {"date-parts": [[2018, 5]]},
        "volume": "31",
        "page": "31-37",
        "DOI": "10.1016/j.ctcp.2018.01.008",
        "PMID": "29705474",
        "_study_type": "systematic_review",
    },
]

BACK_PAIN_POST = """\
Low back pain is one of the most common reasons people see their GP, and one of the most common
reasons people ask us about acupuncture. This article sets out what the best studies have found,
in plain language, so that you can decide whether it is worth trying.

## What the big trials found

The largest American trial compared real acupuncture, *simulated* acupuncture (a toothpick
pressed against the skin, without piercing it) and usual care in 638 adults with chronic low back
pain [@cherkin2009]. After eight weeks, both the real and the simulated treatments helped more
people than usual care did. Real acupuncture did not do better than the simulated kind.

A Cochrane review that pooled the earlier trials came to a similar conclusion: acupuncture
relieves chronic low back pain better than no treatment in the short term, but not clearly better
than sham treatment [@furlan2005].

## What this means for you

- Acupuncture may help you feel better and move more, especially alongside exercise.
- Part of the benefit probably comes from the treatment as a whole — the time, the attention
  and the expectation — rather than from where exactly the needles go
  [@cherkin2009; @clementefuentes2020].
- Brain-imaging studies suggest acupuncture changes how pain is processed, but they are small and
  cannot yet tell us who will benefit [@wen2021].

NICE no longer recommends acupuncture for low back pain in the NHS [@nice2016], but does
recommend it as an option for some kinds of chronic primary pain [@nice2021].

::: soon
- your pain is getting worse over several weeks
- you are also unwell, with a fever or weight loss you cannot explain
:::

If you would like to talk through whether acupuncture suits you, book a first consultation.
"""

STRESS_POST = """\
Many patients tell us that they feel calmer after acupuncture. Can it help with stress and
anxiety? The honest answer is that it might, but the evidence is much weaker than for pain.

## What the studies show

A systematic review of clinical research on anxiety found that most trials reported some
benefit, but that many were small and at risk of bias [@amorim2018]. That makes it hard to know
how much of the effect is specific to acupuncture.

## Where it fits

Talking therapies and, for some people, medicines have the strongest evidence for anxiety.
Acupuncture can sit alongside them if you find it helps, but it should not replace them.

::: tip
Regular exercise, enough sleep and cutting down on caffeine help many people with stress.
:::
"""

BACK_PAIN_SECTIONS = {
    "overview": (
        "Back pain is very common and usually gets better on its own within a few weeks. "
        "Most low back pain is *non-specific*: it does not come from a serious problem such as "
        "a fracture or an infection, even when it hurts a lot."
    ),
    "symptoms": (
        "- pain, stiffness or aching anywhere between the bottom of the ribs and the buttocks\n"
        "- pain that is worse when you move, bend or sit for long\n"
        "- pain that spreads into the buttock or down a leg (sciatica)"
    ),
    "when_to_seek_help": (
        "::: routine\n"
        "- the pain has not started to improve after a few weeks\n"
        "- it stops you doing your usual activities\n"
        ":::\n\n"
        "::: soon\n"
        "- you also have a high temperature, or feel generally unwell\n"
        "- you have lost weight without trying\n"
        "- you have had cancer in the past\n"
        ":::\n\n"
        "::: emergency\n"
        "- numbness around your genitals or bottom\n"
        "- you cannot pee, or cannot control when you pee or poo\n"
        "- weakness in both legs, or your legs feel unsteady\n"
        ":::"
    ),
    "causes": (
        "Most back pain comes from the muscles, ligaments and joints of the back rather than a "
        "single injury. Lifting awkwardly, long periods of sitting, poor sleep and stress can "
        "all make it worse."
    ),
    "diagnosis": (
        "Your doctor will ask about your pain and examine your back. Scans are not usually "
        "needed, because they rarely change the treatment and often show changes that are "
        "normal for your age [@nice2016]."
    ),
    "treatments": (
        "Staying active and returning to normal activities as soon as you can is the most "
        "important treatment. Exercise programmes, manual therapy alongside exercise, and "
        "psychological support for persistent pain are recommended [@nice2016]."
    ),
    "evidence": (
        "In the largest trial, real and simulated acupuncture both helped more than usual care, "
        "but real acupuncture was no better than the simulated kind [@cherkin2009]. A Cochrane "
        "review found short-term benefit over no treatment [@furlan2005]. NICE does not "
        "recommend acupuncture for low back pain [@nice2016]."
    ),
    "self_care": (
        "- keep moving, and go back to work and normal activities as soon as you can\n"
        "- try gentle exercises such as walking, swimming, yoga or pilates\n"
        "- use heat packs for short-term relief\n"
        "- take painkillers if your pharmacist or GP advises them"
    ),
}

DEMO_USERS = [
    # username, staff, superuser, group
    ("admin", True, True, None),
    ("editor", True, False, "Editors"),
    ("practitioner", True, False, "Practitioners"),
    ("reception", True, False, "Reception"),
]


def unwrap(markdown):
    """Join the hard-wrapped lines of this file's Markdown, as an author would have typed it."""
    lines = []
    for line in markdown.splitlines():
        block_start = not line.strip() or line.lstrip().startswith(("- ", "#", ":::", "|"))
        previous = lines[-1] if lines else ""
        if lines and not block_start and previous.strip() and not previous.startswith(("#", ":::")):
            lines[-1] = f"{previous} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Load (or refresh) the demo clinic and print the demo log-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-accounts",
            action="store_true",
            help="Load the content only; leave accounts alone.",
        )

    @transaction.atomic
    def handle(self, *args, no_accounts=False, **options):
        clinic = ClinicSettings.load()
        for name, value in CLINIC.items():
            setattr(clinic, name, value)
        clinic.save()

        self.load_practice()
        accounts = {} if no_accounts else self.load_accounts()
        practitioner, _ = Practitioner.objects.update_or_create(
            slug=PRACTITIONER["slug"],
            defaults={**PRACTITIONER, "user": accounts.get("practitioner", (None, ""))[0]},
        )
        clinic.save()  # its JSON-LD names the opening hours and the practitioners
        references = {item["id"]: self.load_reference(item) for item in REFERENCES}

        acupuncture, _ = Tag.objects.get_or_create(slug="acupuncture", name="Acupuncture")
        pain, _ = Tag.objects.get_or_create(slug="pain", name="Pain")
        wellbeing, _ = Tag.objects.get_or_create(slug="wellbeing", name="Wellbeing")

        now = timezone.now()
        back_pain = self.load_page(
            Condition,
            ConditionReference,
            "condition",
            slug="back-pain",
            defaults={
                "name": "Back pain",
                "alternative_names": "lumbago, low back pain, lower back ache, sciatica",
                "summary": (
                    "Back pain is common and usually gets better within weeks. Find out what "
                    "helps, when to see a doctor, and what the evidence says about acupuncture."
                ),
                **BACK_PAIN_SECTIONS,
                "status": Status.PUBLISHED,
                "published_at": now - datetime.timedelta(days=400),
            },
            references=[references[key] for key in ("cherkin2009", "furlan2005", "nice2016")],
        )
        evidence_post = self.load_page(
            Post,
            PostReference,
            "post",
            slug="acupuncture-for-low-back-pain-what-the-evidence-says",
            defaults={
                "title": "Acupuncture for low back pain: what the evidence says",
                "author": practitioner,
                "summary": (
                    "What the largest trials and reviews have found about acupuncture for "
                    "chronic low back pain, and what it means for you."
                ),
                "body": unwrap(BACK_PAIN_POST),
                "status": Status.PUBLISHED,
                "published_at": timezone.make_aware(datetime.datetime(2022, 9, 15, 9, 0)),
            },
            references=[
                references[key]
                for key in (
                    "cherkin2009",
                    "furlan2005",
                    "clementefuentes2020",
                    "wen2021",
                    "nice2016",
                    "nice2021",
                )
            ],
        )
        evidence_post.tags.set([acupuncture, pain])
        evidence_post.conditions.set([back_pain])
        stress_post = self.load_page(
            Post,
            PostReference,
            "post",
            slug="can-acupuncture-help-with-stress",
            defaults={
                "title": "Can acupuncture help with stress?",
                "author": practitioner,
                "summary": (
                    "Many patients feel calmer after acupuncture. Here is what the research on "
                    "anxiety and stress can and cannot tell us."
                ),
                "body": unwrap(STRESS_POST),
                "status": Status.PUBLISHED,
                "published_at": timezone.make_aware(datetime.datetime(2022, 10, 6, 9, 0)),
            },
            references=[references["amorim2018"]],
        )
        stress_post.tags.set([acupuncture, wellbeing])

        # The editorial workflow, so that the review queue and review dates have something to show.
        reviewed = {
            "medically_reviewed_by": practitioner,
            "last_reviewed": datetime.date(2024, 1, 15),
            "next_review_due": datetime.date(2027, 1, 15),
        }
        Condition.objects.filter(pk=back_pain.pk).update(**reviewed)
        Post.objects.filter(pk=evidence_post.pk).update(
            **{**reviewed, "next_review_due": timezone.localdate() + datetime.timedelta(days=20)}
        )
        practitioner_user = accounts.get("practitioner", (None, ""))[0]
        waiting = self.load_page(
            Post,
            PostReference,
            "post",
            slug="needles-and-headaches",
            defaults={
                "title": "Needles and headaches",
                "author": practitioner,
                "created_by": practitioner_user,
                "summary": "What a course of acupuncture can do for tension-type headache.",
                "body": "A draft waiting for an editor: trials suggest fewer headache days "
                "[@cherkin2009].",
                "status": Status.IN_REVIEW,
                "published_at": None,
                "submitted_at": now - datetime.timedelta(days=1),
            },
            references=[references["cherkin2009"]],
        )
        waiting.tags.set([acupuncture, pain])

        self.stdout.write(self.style.SUCCESS("Demo clinic loaded."))
        if accounts:
            self.stdout.write("Demo log-ins (new passwords on every run; development only):")
            for username, (_user, password) in accounts.items():
                self.stdout.write(f"  {username:<13} {password}")

    def load_practice(self):
        """Opening hours, the Christmas closure ahead, the pages every clinic must publish."""
        OpeningHours.objects.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=day, opens=opens, closes=closes)
            for day, opens, closes in WEEKLY_HOURS
        )
        today = timezone.localdate()
        christmas = datetime.date(today.year, 12, 25)
        if christmas < today:
            christmas = christmas.replace(year=today.year + 1)
        for day, reason in [
            (christmas, "Christmas Day"),
            (christmas.replace(day=26), "Boxing Day"),
        ]:
            OpeningException.objects.update_or_create(
                date=day, defaults={"closed": True, "reason": reason}
            )
        for kind, (title, body) in PRACTICE_PAGES.items():
            PracticePage.objects.update_or_create(
                kind=kind, defaults={"title": title, "body": body}
            )

    def load_accounts(self):
        User = get_user_model()
        accounts = {}
        for username, staff, superuser, group_name in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@clinic.example"}
            )
            user.is_staff, user.is_superuser = staff, superuser
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            accounts[username] = (user, password)
        return accounts

    def load_reference(self, item):
        csl = {k: v for k, v in item.items() if not k.startswith("_")}
        existing = Reference.objects.filter(key=csl["id"]).first()
        reference = Reference.from_csl(
            csl, study_type=item.get("_study_type", ""), participants=item.get("_participants")
        )
        if existing:
            reference.pk, reference.created_at = existing.pk, existing.created_at
            reference._state.adding = False  # an update: uniqueness checks skip this row
        reference.full_clean()
        reference.save()
        return reference

    def load_page(self, model, link_model, owner_field, *, slug, defaults, references):
        page, _ = model.objects.update_or_create(slug=slug, defaults=defaults)
        link_model.objects.filter(**{owner_field: page}).delete()
        link_model.objects.bulk_create(
            link_model(**{owner_field: page}, reference=reference, order=index)
            for index, reference in enumerate(references)
        )
        page.save()  # render again, now that the references are attached
        return page
