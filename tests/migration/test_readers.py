import pytest

from clinic.migration import readers
from tests.migration import exports


def items_of(path):
    export, items = readers.read_export(path)
    return export, list(items)


def test_blogger_takeout(takeout):
    export, items = items_of(takeout)
    assert export.format == readers.BLOGGER
    assert export.source == "blogger:4815162342"
    post = items[0]
    assert (post.kind, post.status) == ("post", "live")
    assert post.old_paths == ["/2022/09/acupuncture-for-low-back-pain.html"]
    assert post.labels == ["Back Pain", "Acupuncture"]
    assert post.published.isoformat() == "2022-09-15T09:00:00+01:00"
    draft = next(i for i in items if i.status == "draft")
    assert draft.old_paths == []  # drafts have no blogger:filename
    comment = next(i for i in items if i.kind == "comment")
    assert comment.parent_id == post.original_id  # blogger:parent holds the post's full id


def test_blogger_backup_kinds_are_categories(export_file):
    export, items = items_of(export_file(exports.blogger_backup(), "blog-12-05-2026.xml"))
    assert export.format == readers.BLOGGER
    kinds = [(i.kind, i.status) for i in items]
    # The settings entry is not content; the draft is app:draft.
    assert kinds == [
        ("post", "live"), ("post", "live"), ("post", "draft"), ("page", "live"), ("comment", "live")
    ]  # fmt: skip
    assert items[0].labels == ["Back Pain", "Acupuncture"]
    assert items[0].old_paths == ["/2022/09/acupuncture-for-low-back-pain.html"]
    assert items[-1].parent_id == items[0].original_id


def test_wordpress(wxr):
    export, items = items_of(wxr)
    assert export.format == readers.WORDPRESS
    assert export.authors["helen"].name == "Dr Helen Marsh"  # dc:creator is the log-in name
    assert [i.kind for i in items] == ["post", "post", "post", "page"]  # no attachment
    post, _teaser, draft, page = items
    assert post.old_paths == ["/2022/09/15/acupuncture-for-low-back-pain/", "/?p=11"]
    assert [c.status for c in post.comments] == ["live", "pending", "spam"]
    assert draft.status == "draft" and draft.published is not None and draft.slug == ""
    assert page.old_paths == ["/back-pain/", "/?page_id=21"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("PK\x03\x04rest", "ZIP archive"),
        ("Hello, world", "not an XML file"),
        ("<html><body>hi</body></html>", "not a Blogger or WordPress export"),
        (
            "<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>x</id></entry></feed>",
            "an Atom feed, but not a Blogger export",
        ),
        (
            "<rss version='2.0'><channel><item><title>x</title></item></channel></rss>",
            "an RSS feed, but not a WordPress export",
        ),
    ],
)
def test_wrong_kind_of_file_is_named(export_file, content, message):
    with pytest.raises(readers.ExportError, match=message):
        items_of(export_file(content, "wrong.xml"))


def test_truncated_file_names_the_line(export_file):
    text = exports.blogger_takeout()
    cut = text[: text.index("<entry>", text.index("PAGE")) + 20]
    with pytest.raises(readers.ExportError) as caught:
        items_of(export_file(cut))
    assert "incomplete" in str(caught.value)
    assert caught.value.line == cut.count("\n") + 1


def test_malformed_file_names_the_line(export_file):
    text = exports.blogger_takeout().replace("<title>Back Pain</title>", "<title>Back Pain</titl>")
    with pytest.raises(readers.ExportError, match=r"^Line \d+: this is not well-formed XML"):
        items_of(export_file(text))


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE feed [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
        '<!DOCTYPE feed SYSTEM "http://127.0.0.1:9/evil.dtd">',
    ],
)
def test_entities_and_dtds_are_never_resolved(export_file, doctype):
    text = exports.blogger_takeout().replace("\n<feed", f"\n{doctype}\n<feed", 1)
    with pytest.raises(readers.ExportError, match="never read here"):
        items_of(export_file(text))
