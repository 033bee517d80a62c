import pytest
from django.core.exceptions import ValidationError

from clinic.lib.markdown import render, render_html
from tests.safety import executable_markup


def test_renders_commonmark_tables_and_heading_anchors():
    html = render("## Why it hurts\n\n| a | b |\n|---|---|\n| 1 | 2 |").html
    assert '<h2 id="why-it-hurts">Why it hurts</h2>' in html
    assert "<table>" in html and "<td>1</td>" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        '<img src=x onerror="alert(1)">',
        "![x](javascript:alert(1))",
        "<a href='x' onclick='alert(1)'>x</a>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_no_executable_markup_survives(source):
    assert executable_markup(render(source).html) == []


def test_the_safety_check_itself_catches_executable_markup():
    assert executable_markup('<a href=" JavaScript:x" onclick="y">') == [
        "a[href=javascript:x]",
        "a[onclick]",
    ]


def test_external_links_get_noopener_internal_links_do_not():
    html = render("[out](https://example.org) [in](/blog/)").html
    assert '<a href="https://example.org" rel="noopener noreferrer">out</a>' in html
    assert '<a href="/blog/">in</a>' in html


def test_citations_numbered_by_first_appearance_and_keep_their_number():
    rendered = render("B [@b]. A [@a; @b]. B again [@b].", known_keys={"a", "b"})
    assert rendered.citation_keys == ["b", "a"]
    assert rendered.citation_counts == {"b": 3, "a": 1}
    assert '<a href="#ref-1" id="cite-1-1" aria-label="Reference 1">1</a>' in rendered.html
    assert '<a href="#ref-2" id="cite-2-1" aria-label="Reference 2">2</a>' in rendered.html
    assert 'id="cite-1-3"' in rendered.html


def test_unknown_citation_is_marked_and_reported():
    rendered = render("See [@nobody2020].", known_keys={"a"})
    assert rendered.unknown_keys == ["nobody2020"]
    assert '<span class="citation-missing">@nobody2020?</span>' in rendered.html


def test_callouts_have_fixed_markup():
    html = render("::: emergency\n- chest pain\n:::").html
    assert 'class="callout callout-emergency"' in html
    assert "Call 999 or go to A&amp;E now if" in html


def test_authors_cannot_add_their_own_classes_or_styles():
    html = render('<div class="callout-emergency" style="display:none">x</div>').html
    assert "<div" not in html and 'style="' not in html


def test_input_over_the_limit_is_refused_with_a_clear_message(settings):
    settings.MARKDOWN_MAX_LENGTH = 100
    with pytest.raises(ValidationError, match="the limit is 100"):
        render("x" * 101)


def test_render_html_leaves_citations_unlinked():
    assert 'href="#ref-1"' not in render_html("A bio [@smith2020].")
