"""Writing checks: each check finds its problem, and leaves good writing alone."""

import pytest

from clinic.pages import checks


def codes(text, **kwargs):
    return [finding.code for finding in checks.analyse(text, **kwargs).findings]


GOOD = """Acupuncture uses fine needles. Most people feel little or nothing.

## What happens at an appointment

The doctor asks about your pain. Then they place a few needles in your back.

A large trial found that it helped some people with back pain [@cherkin2009].

![Fine needles in the lower back, seen from behind](/media/uploads/a-1600w.jpg)

Read the [NHS advice on back pain](https://www.nhs.uk/conditions/back-pain/).

::: emergency
- You cannot feel your legs.
:::
"""


def test_good_writing_has_no_findings():
    report = checks.analyse(GOOD)
    assert report.findings == []
    assert report.plain_english is True
    assert report.reading_age <= 11


def test_counts_words_without_citations_or_markup():
    report = checks.analyse("**Five** _words_ in this text [@cherkin2009; @other2010].")
    assert report.words == 5
    assert report.minutes == 1
    assert report.reading_ease is None  # too short to score


def test_reading_time_matches_the_page():
    report = checks.analyse("Word " * 599 + "end.")
    assert report.words == 600
    assert report.minutes == 3


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("![Describe this image](/media/a.jpg)", "image_alt"),
        ("![](/media/a.jpg)", "image_alt"),
        ("![IMG_2041.JPG](/media/a.jpg)", "image_alt"),
        ("![photo](/media/a.jpg)", "image_alt"),
        ("#### Too deep\n\nText.", "heading_skip"),
        ("## One\n\nText.\n\n#### Three\n\nText.", "heading_skip"),
        ("##\n\nText.", "heading_empty"),
        ("## Nothing below\n\n## Next\n\nText.", "heading_bare"),
        ("Text.\n\n## At the end", "heading_bare"),
        ("See [click here](https://nhs.uk).", "link_text"),
        ("More [here](https://nhs.uk).", "link_text"),
        ("A link [](https://nhs.uk).", "link_empty"),
        ("A study showed it works.", "uncited_claim"),
        ("Trials say so.", "uncited_claim"),
        ("A systematic review agreed.", "uncited_claim"),
        ("It helped 40% of people.", "uncited_claim"),
        ("It helped 12.5 per cent of people.", "uncited_claim"),
    ],
)
def test_each_check_finds_its_problem(text, code):
    assert code in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "A study showed it works [@cherkin2009].",
        "It helped 40% of people.[^1]\n\n[^1]: Cherkin 2009.",
        "![Needles in the back](/media/a.jpg)",
        "## One\n\nText.\n\n### Two\n\nText.",
        "See [the NHS page on sciatica](https://nhs.uk).",
    ],
)
def test_no_finding_for_good_text(text):
    assert codes(text) == []


def test_condition_sections_start_below_their_heading():
    assert codes("### Inside a section\n\nText.", heading_base=2) == []
    assert codes("#### Inside a section\n\nText.", heading_base=2) == ["heading_skip"]


def test_findings_say_where():
    report = checks.analyse("Fine.\n\nA study showed it.\n")
    (finding,) = report.findings
    assert finding.line == 3
    assert finding.excerpt == "A study showed it."


def test_longest_sentences_first():
    short = "Short one. "
    long = "This sentence goes on and on with many words " * 4 + "until it stops. "
    report = checks.analyse(short * 5 + long + short)
    assert report.longest[0].words == 39
    assert report.longest[0].text.startswith("This sentence goes on")
    assert len(report.longest) == checks.LONGEST_SHOWN


def test_hard_text_is_not_plain_english():
    text = (
        "Contemporary neurophysiological investigations demonstrate considerable "
        "heterogeneity regarding acupuncture-associated analgesic mechanisms, "
        "particularly concerning endogenous opioidergic neurotransmission. "
    ) * 3
    report = checks.analyse(text)
    assert report.plain_english is False
    assert report.reading_age > 11


def test_only_the_placeholder_blocks_publishing():
    assert checks.blocking("![Describe this image](/media/a.jpg)")
    assert checks.blocking("![photo](/media/a.jpg)") == []
    assert checks.blocking("A study showed it.") == []
