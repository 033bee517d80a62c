"""Read a Blogger or WordPress export as a stream of items, never the whole file at once.

Three formats are read:

* Blogger's Google Takeout ``feed.atom`` (2018 schema, ``http://schemas.google.com/blogger/2018``):
  each ``<entry>`` names its kind in ``blogger:type`` (POST, PAGE, COMMENT), its state in
  ``blogger:status`` (LIVE, DRAFT, DELETED), its old path in ``blogger:filename`` (drafts have
  none) and a comment's post in ``blogger:parent`` (the post's full id).
* Blogger's older "Back up content" XML: the kind is a ``category`` with the scheme
  ``http://schemas.google.com/g/2005#kind``, labels are categories with the scheme
  ``http://www.blogger.com/atom/ns#``, drafts carry ``app:control/app:draft``, a comment names
  its post in ``thr:in-reply-to`` and the old address is the ``alternate`` link.
* WordPress's WXR (RSS with the ``wp:`` namespace): authors and terms in the channel, then one
  ``<item>`` per post, page or attachment with its comments inside it.

``read_export(path)`` returns the export's header and an iterator of ``Item`` objects, read as
the file is parsed (an XMLPullParser fed 64 KB at a time through defusedxml, so DTDs and entities
are refused and never resolved, and each item's elements are dropped once read). A fault raises
``ExportError`` with its line; the preview reads the whole file this way before anything is
written.
"""

import datetime
import posixpath
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError, TreeBuilder, XMLPullParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.conf import settings

ATOM = "http://www.w3.org/2005/Atom"
BLOGGER_2018 = "http://schemas.google.com/blogger/2018"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
THREAD = "http://purl.org/syndication/thread/1.0"
APP = "http://purl.org/atom/app#"
APP_2007 = "http://www.w3.org/2007/app"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
WP_PREFIX = "http://wordpress.org/export/"

CHUNK = 64 * 1024

BLOGGER = "blogger"
WORDPRESS = "wordpress"
FORMAT_NAMES = {BLOGGER: "Blogger export", WORDPRESS: "WordPress export (WXR)"}

# Kinds of item.
POST, PAGE, COMMENT = "post", "page", "comment"
# States of an item, the same words for both platforms.
LIVE, DRAFT, DELETED, PENDING, SPAM = "live", "draft", "deleted", "pending", "spam"


class ExportError(ValueError):
    """The file cannot be imported; the message says why (and where) in plain words."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"Line {line}: {message}" if line else message)


@dataclass
class Item:
    kind: str  # post, page, comment (anything else is not content and is skipped)
    original_id: str
    status: str = LIVE
    title: str = ""
    html: str = ""
    published: datetime.datetime | None = None
    updated: datetime.datetime | None = None
    author_key: str = ""  # how the export names the author (Blogger: name; WordPress: login)
    author_email: str = ""
    author_url: str = ""
    labels: list[str] = field(default_factory=list)
    old_url: str = ""  # the address on the old site
    old_paths: list[str] = field(default_factory=list)  # other paths that showed it
    slug: str = ""
    parent_id: str = ""  # a comment's post
    reply_to: str = ""  # a comment's parent comment
    comments: list["Item"] = field(default_factory=list)  # WordPress keeps them in the item


@dataclass
class Author:
    key: str
    name: str
    email: str = ""


@dataclass
class Export:
    """The export's own details, read before its first item."""

    format: str
    source: str  # "blogger:<blog id>" or "wordpress:<site address>"
    title: str = ""
    site_url: str = ""
    authors: dict[str, Author] = field(default_factory=dict)

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.format]


def read_export(path) -> tuple[Export, Iterator[Item]]:
    """The export's header and an iterator of its items (one pass)."""
    stream = _read(path)
    first = next(stream)
    return first, (item for item in stream if isinstance(item, Item))


# The XML stream ------------------------------------------------------------------------------


def _events(path):
    """(event, element) pairs from a defused pull parser; faults become ExportError."""
    with open(path, "rb") as handle:
        head = handle.read(8)
        _refuse_non_xml(head)
        handle.seek(0)
        parser = DefusedXMLParser(
            target=TreeBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        pull = XMLPullParser(events=("start", "end"), _parser=parser)
        try:
            while chunk := handle.read(CHUNK):
                pull.feed(chunk)
                yield from pull.read_events()
            pull.close()
            yield from pull.read_events()
        except ParseError as error:
            line = error.position[0] if getattr(error, "position", None) else None
            reason = str(error).split(":")[0]
            if "no element found" in str(error) or "unclosed token" in str(error):
                raise ExportError(
                    "the file ends in the middle of the XML: it is incomplete (a download that "
                    "stopped early?). Export it again. Nothing was imported.",
                    line,
                ) from None
            raise ExportError(
                f"this is not well-formed XML ({reason}). Nothing was imported.", line
            ) from None
        except DefusedXmlException as error:
            raise ExportError(
                "the file declares a document type or entities (<!DOCTYPE …> or <!ENTITY …>), "
                "which exports never do and which are never read here, for safety "
                f"({type(error).__name__}). Nothing was imported.",
                parser.parser.CurrentLineNumber if parser.parser else None,
            ) from None


def _refuse_non_xml(head: bytes) -> None:
    if head.startswith(b"PK\x03\x04"):
        raise ExportError(
            "This is a ZIP archive, not an export file. Unzip it first: a Google Takeout "
            "archive holds the Blogger export as Blogger/Blogs/<blog name>/feed.atom."
        )
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ExportError("This file is empty.")
    if not stripped.startswith(b"<"):
        raise ExportError(
            "This is not an XML file. Choose the Blogger export (feed.atom, or the .xml of "
            "“Back up content”) or the WordPress export (.xml from Tools > Export)."
        )


def _read(path) -> Iterator:
    events = _events(path)
    for event, element in events:
        if event != "start":
            continue
        if element.tag == f"{{{ATOM}}}feed":
            yield from _read_blogger(events, element)
        elif element.tag == "rss":
            yield from _read_wordpress(events, element)
        else:
            raise ExportError(_wrong_root(element.tag))
        return


def _wrong_root(tag: str) -> str:
    name = tag.rsplit("}", 1)[-1]
    return (
        f"This XML file is not a Blogger or WordPress export (it starts with <{name}>). "
        "Choose the Blogger export (feed.atom) or the WordPress export (WXR .xml)."
    )


# Blogger --------------------------------------------------------------------------------------


def _read_blogger(events, feed) -> Iterator:
    b = f"{{{BLOGGER_2018}}}"
    a = f"{{{ATOM}}}"
    export = None
    entries = 0
    for event, element in events:
        if event != "end":
            continue
        if element.tag == f"{a}entry":
            entries += 1
            if export is None:
                export = _blogger_header(feed)
                yield export
            item = _blogger_entry(element, b, a)
            if item is None and entries == 1 and not _is_blogger_entry(element, b):
                raise ExportError(
                    "This is an Atom feed, but not a Blogger export: its entries carry no "
                    "Blogger kind (blogger:type or a kind category). A blog's public feed holds "
                    "only recent posts; export the blog from Blogger or Google Takeout instead."
                )
            feed.remove(element)
            if item is not None:
                yield item
        elif element.tag == feed.tag:
            if export is None:
                raise ExportError("This Atom feed has no entries: there is nothing to import.")
            return


def _blogger_header(feed) -> Export:
    a = f"{{{ATOM}}}"
    blog_id = (feed.findtext(f"{a}id") or "").strip()
    site = ""
    for link in feed.findall(f"{a}link"):
        if link.get("rel") == "alternate" and link.get("href"):
            site = link.get("href")
    match = re.search(r"blog-(\d+)", blog_id)
    return Export(
        format=BLOGGER,
        source=f"blogger:{match.group(1) if match else blog_id or 'blog'}",
        title=(feed.findtext(f"{a}title") or "").strip(),
        site_url=site,
    )


def _is_blogger_entry(entry, b) -> bool:
    if entry.find(f"{b}type") is not None:
        return True
    return any(c.get("scheme") == KIND_SCHEME for c in entry.findall(f"{{{ATOM}}}category"))


def _blogger_entry(entry, b, a) -> Item | None:
    if entry.find(f"{b}type") is not None:
        return _blogger_2018_entry(entry, b, a)
    return _blogger_backup_entry(entry, a)


def _blogger_2018_entry(entry, b, a) -> Item | None:
    kind = {"POST": POST, "PAGE": PAGE, "COMMENT": COMMENT}.get(_text(entry, f"{b}type").upper())
    if kind is None:
        return None
    status = {"LIVE": LIVE, "DRAFT": DRAFT, "DELETED": DELETED, "SCHEDULED": DRAFT}.get(
        _text(entry, f"{b}status").upper(), LIVE
    )
    filename = _text(entry, f"{b}filename")
    item = _atom_common(entry, a, kind, status)
    if filename:
        item.old_paths = [filename]
    item.parent_id = _text(entry, f"{b}parent")
    item.reply_to = _text(entry, f"{b}inReplyTo")
    if not item.published:
        item.published = _iso(_text(entry, f"{b}created"))
    return item


def _blogger_backup_entry(entry, a) -> Item | None:
    kind_term = ""
    labels = []
    for category in entry.findall(f"{a}category"):
        if category.get("scheme") == KIND_SCHEME:
            kind_term = category.get("term", "")
        elif category.get("term"):
            labels.append(category.get("term"))
    kind = {"post": POST, "page": PAGE, "comment": COMMENT}.get(kind_term.removeprefix(KIND_PREFIX))
    if kind is None:  # settings, template: not content
        return None
    draft = entry.findtext(f"{{{APP}}}control/{{{APP}}}draft") or entry.findtext(
        f"{{{APP_2007}}}control/{{{APP_2007}}}draft"
    )
    status = DRAFT if (draft or "").strip().lower() == "yes" else LIVE
    item = _atom_common(entry, a, kind, status)
    item.labels = labels
    reply = entry.find(f"{{{THREAD}}}in-reply-to")
    if reply is not None:
        item.parent_id = reply.get("ref", "")
    for link in entry.findall(f"{a}link"):
        if link.get("rel") == "related" and kind == COMMENT:
            item.reply_to = _comment_id_from_url(link.get("href", ""))
    if item.old_url and kind != COMMENT:
        item.old_paths = [_path_of(item.old_url)]
    return item


def _atom_common(entry, a, kind, status) -> Item:
    content = entry.find(f"{a}content")
    author = entry.find(f"{a}author")
    item = Item(
        kind=kind,
        original_id=_text(entry, f"{a}id"),
        status=status,
        title=_text(entry, f"{a}title"),
        html=(content.text or "") if content is not None else "",
        published=_iso(_text(entry, f"{a}published")),
        updated=_iso(_text(entry, f"{a}updated")),
        labels=[
            c.get("term")
            for c in entry.findall(f"{a}category")
            if c.get("term") and c.get("scheme") in (None, "", LABEL_SCHEME)
        ],
    )
    if author is not None:
        item.author_key = _text(author, f"{a}name")
        email = _text(author, f"{a}email")
        item.author_email = "" if email.endswith("@blogger.com") else email
        item.author_url = _text(author, f"{a}uri")
    for link in entry.findall(f"{a}link"):
        if link.get("rel") == "alternate" and link.get("href"):
            item.old_url = link.get("href")
    return item


def _comment_id_from_url(url: str) -> str:
    match = re.search(r"comments/default/(\d+)", url)
    return match.group(1) if match else ""


# WordPress ------------------------------------------------------------------------------------


def _read_wordpress(events, rss) -> Iterator:
    export = None
    channel = None
    wp = None
    for event, element in events:
        if event == "start":
            if element.tag == "channel":
                channel = element
            elif wp is None and element.tag.startswith(f"{{{WP_PREFIX}"):
                wp = element.tag.split("}")[0] + "}"
            continue
        if element.tag == "item":
            if wp is None:
                raise ExportError(_NOT_WXR, None)
            if export is None:
                # The channel's title, address and authors come before the first item.
                export = _wordpress_header(channel, wp)
                yield export
            item = _wordpress_item(element, wp)
            channel.remove(element)
            if item is not None:
                yield item
        elif element.tag == "rss":
            if wp is None:
                raise ExportError(_NOT_WXR)
            if export is None:
                raise ExportError("This WordPress export has no items: there is nothing to import.")
            return


_NOT_WXR = (
    "This is an RSS feed, but not a WordPress export: it has no wp: elements. A site's public "
    "feed holds only recent posts; export the site from WordPress (Tools > Export > All "
    "content) instead."
)


def _wordpress_header(channel, wp) -> Export:
    base = (
        channel.findtext(f"{wp}base_blog_url")
        or channel.findtext(f"{wp}base_site_url")
        or channel.findtext("link")
        or ""
    ).strip()
    export = Export(
        format=WORDPRESS,
        source=f"wordpress:{base.rstrip('/') or 'site'}",
        title=(channel.findtext("title") or "").strip(),
        site_url=(channel.findtext("link") or base).strip(),
    )
    for element in channel.findall(f"{wp}author"):
        login = _text(element, f"{wp}author_login")
        if login:
            name = _text(element, f"{wp}author_display_name") or " ".join(
                _text(element, f"{wp}author_{part}_name") for part in ("first", "last")
            )
            export.authors[login] = Author(
                login, name.strip() or login, _text(element, f"{wp}author_email")
            )
    return export


WP_STATUSES = {
    "publish": LIVE,
    "future": LIVE,
    "draft": DRAFT,
    "pending": DRAFT,
    "private": DRAFT,
    "auto-draft": DELETED,
    "trash": DELETED,
    "inherit": DELETED,
}


def _wordpress_item(element, wp) -> Item | None:
    post_type = _text(element, f"{wp}post_type")
    kind = {"post": POST, "page": PAGE}.get(post_type)
    if kind is None:  # attachments, menu items, revisions, reusable blocks: not content
        return None
    post_id = _text(element, f"{wp}post_id")
    link = _text(element, "link")
    status = WP_STATUSES.get(_text(element, f"{wp}status"), DRAFT)
    item = Item(
        kind=kind,
        original_id=post_id,
        status=status,
        title=_text(element, "title"),
        html=element.findtext(f"{{{CONTENT}}}encoded") or "",
        published=_wp_date(element, f"{wp}post_date_gmt", f"{wp}post_date"),
        updated=_wp_date(element, f"{wp}post_modified_gmt", f"{wp}post_modified"),
        author_key=_text(element, f"{{{DC}}}creator"),
        slug=unquote(_text(element, f"{wp}post_name")),
        labels=[
            (c.text or "").strip()
            for c in element.findall("category")
            if c.get("domain") in ("category", "post_tag") and (c.text or "").strip()
        ],
    )
    if status == LIVE and link and "?" not in link:
        item.old_url = link
        item.old_paths = [_path_of(link)]
    if post_id:
        item.old_paths.append(f"/?{'page_id' if kind == PAGE else 'p'}={post_id}")
    for comment in element.findall(f"{wp}comment"):
        item.comments.append(_wordpress_comment(comment, wp, post_id))
    return item


def _wordpress_comment(element, wp, post_id) -> Item:
    approved = _text(element, f"{wp}comment_approved").lower()
    comment_type = _text(element, f"{wp}comment_type")
    status = {"1": LIVE, "0": PENDING, "spam": SPAM, "trash": DELETED}.get(approved, PENDING)
    if comment_type in ("pingback", "trackback"):
        status = DELETED
    parent = _text(element, f"{wp}comment_parent")
    return Item(
        kind=COMMENT,
        original_id=f"{post_id}/comment-{_text(element, f'{wp}comment_id')}",
        status=status,
        html=element.findtext(f"{wp}comment_content") or "",
        published=_wp_date(element, f"{wp}comment_date_gmt", f"{wp}comment_date"),
        author_key=_text(element, f"{wp}comment_author"),
        author_email=_text(element, f"{wp}comment_author_email"),
        author_url=_text(element, f"{wp}comment_author_url"),
        parent_id=post_id,
        reply_to=f"{post_id}/comment-{parent}" if parent not in ("", "0") else "",
    )


# Values ---------------------------------------------------------------------------------------


def _text(element, path) -> str:
    return (element.findtext(path) or "").strip()


def _iso(value: str) -> datetime.datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def _wp_date(element, gmt_path, local_path) -> datetime.datetime | None:
    """WordPress writes 0000-00-00 00:00:00 for drafts that never had a date."""
    for path, zone in ((gmt_path, datetime.UTC), (local_path, None)):
        value = _text(element, path)
        if not value or value.startswith("0000"):
            continue
        try:
            parsed = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        return parsed.replace(tzinfo=zone or zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return None


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    path = unquote(parts.path) or "/"
    normal = posixpath.normpath(path)
    if path.endswith("/") and normal != "/":
        normal += "/"
    return normal + (f"?{parts.query}" if parts.query else "")
