from clinic.lib import markdown
from clinic.migration import convert
from tests.migration import exports


def test_blogger_html_becomes_clean_markdown_with_its_references_cut_off():
    result = convert.convert(exports.post_html())
    assert "style" not in result.markdown and "<span" not in result.markdown
    assert "\xa0" not in result.markdown and "&nbsp;" not in result.markdown
    assert "### What the big trials found" in result.markdown
    assert "*simulated*" in result.markdown
    # The <br> run became a paragraph break; the image is the full-size copy it linked to.
    assert "simulated kind.\n\nA Cochrane review" in result.markdown
    assert result.images == [f"{exports.IMAGE}/s1600/needles.jpg"]
    assert result.references == [exports.CHERKIN, exports.FURLAN]
    assert result.numbered
    convert.cite(result, ["cherkin2009", "furlan2005"])
    assert "low back pain.[@cherkin2009] Real" in result.markdown
    assert "conclusion.[@furlan2005]" in result.markdown
    assert result.citations_certain


def test_hostile_html_is_dropped_and_reported():
    html = (
        '<p onclick="steal()">Hi <a href="javascript:alert(1)">there</a></p>'
        "<script>alert(1)</script><iframe src='https://evil.example/x'></iframe>"
        '<img src="x" onerror="alert(1)"><a href=" jAvAsCrIpT:alert(2)">b</a>'
    )
    result = convert.convert(html)
    assert "alert" not in result.markdown and "steal" not in result.markdown
    assert "javascript" not in result.markdown.lower()
    assert "Dropped a script." in result.problems
    assert "Dropped an embedded frame (iframe) from evil.example." in result.problems
    assert "Dropped an event handler (onclick) from <p>." in result.problems
    assert "Dropped an event handler (onerror) from <img>." in result.problems
    assert result.problems.count("Dropped a javascript: address from <a>.") == 2
    rendered = markdown.render(result.markdown).html
    assert "<script" not in rendered and "onerror" not in rendered


def test_wordpress_block_comments_and_a_heading_reference_list():
    result = convert.convert(
        exports.WP_POST_BLOCKS.replace("{image}", "https://x.example"), wordpress=True
    )
    assert "wp:" not in result.markdown and "<!--" not in result.markdown
    assert result.references == [exports.CHERKIN, exports.FURLAN]
    assert "![Fine acupuncture needles](https://x.example/2022/09/needles.jpg)" in result.markdown
    convert.cite(result, ["a", "b"])
    assert "chronic low back pain [@a]." in result.markdown


def test_blogger_line_breaks_at_the_end_leave_no_backslash():
    result = convert.convert(exports.TEASER_HTML)
    assert result.markdown.endswith("much weaker than for pain.\n")
    assert "stress?\n\nThe honest answer" in result.markdown


def test_wordpress_classic_text_gets_paragraphs_from_blank_lines():
    result = convert.convert(exports.WP_TEASER_CLASSIC, wordpress=True)
    assert result.markdown.count("\n\n") == 2
    assert "stress?\nThe honest" not in result.markdown


def test_bare_number_after_a_sentence_is_a_citation_when_certain():
    result = convert.convert(
        "<p>It helped after spinal manipulation.1 It did not help more than sham.2</p>"
        f"<p>1. {exports.CHERKIN}</p><p>2. {exports.FURLAN}</p>"
    )
    convert.cite(result, ["a", "b"])
    assert result.markdown.startswith(
        "It helped after spinal manipulation.[@a] It did not help more than sham.[@b]"
    )


def test_markers_out_of_range_stay_and_the_page_is_flagged():
    result = convert.convert(
        f"<p>It helped [1] and [3].</p><h2>References</h2><p>{exports.CHERKIN}</p>"
    )
    convert.cite(result, ["a"])
    assert "[1]" in result.markdown and "[3]" in result.markdown and "@a" not in result.markdown
    assert not result.citations_certain


def test_body_sentences_are_not_taken_for_references():
    result = convert.convert("<p>We saw 638 adults in 2009 at the clinic.</p><p>Book a visit.</p>")
    assert result.references == []
