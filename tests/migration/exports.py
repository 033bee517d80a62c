"""Exports built from the clinic's own content, written the way Blogger and WordPress write them.

The untidy details are on purpose: Blogger's inline styles, spans, ``<br>`` runs, empty divs,
non-breaking spaces, images linked to their full-size copy, reference lists as trailing
``<div><span style="font-size: x-small">`` lines, label names with spaces, drafts without a
filename, ``blogger:parent`` holding the post's full id; WordPress's block comments,
classic-editor text without ``<p>``, log-in names in ``dc:creator``, drafts with an empty
``wp:post_name`` and ``0000-00-00`` dates, attachments, pending and spam comments, unused terms.
"""

from xml.sax.saxutils import escape

IMAGE = "https://blogger.googleusercontent.com/img/b/R29vZ2xl/AVvXsEi"
BLOG = "tag:blogger.com,1999:blog-4815162342"

CHERKIN = (
    "Cherkin DC, Sherman KJ, Avins AL, et al. A randomized trial comparing acupuncture, "
    "simulated acupuncture, and usual care for chronic low back pain. Arch Intern Med. "
    "2009;169(9):858-866. doi:10.1001/archinternmed.2009.65"
)
FURLAN = (
    "Furlan AD, van Tulder MW, Cherkin DC, Tsukayama H, Lao L, Koes BW, Berman BM. "
    "Acupuncture and dry-needling for low back pain. Cochrane Database Syst Rev. "
    "2005;(1):CD001351. doi:10.1002/14651858.CD001351.pub2"
)
NICE = (
    "National Institute for Health and Care Excellence. Low back pain and sciatica in over "
    "16s: assessment and management (NG59). London: NICE; 2016. "
    "https://www.nice.org.uk/guidance/ng59"
)
HAAKE = (
    "Haake M, Müller HH, Schade-Brittinger C, et al. German Acupuncture Trials (GERAC) for "
    "chronic low back pain: randomized, multicenter, blinded, parallel-group trial with 3 "
    "groups. Arch Intern Med. 2007;167(17):1892-1898. doi:10.1001/archinte.167.17.1892"
)


def post_html(image_base=IMAGE):
    return (
        '<div dir="ltr" style="text-align: left;" trbidi="on">'
        '<div style="text-align: justify;"><span style="font-family: arial, helvetica, '
        'sans-serif;">Low back pain is one of the most common reasons people see their GP, and '
        "one of the most common reasons people ask us about acupuncture.&nbsp;&nbsp; This "
        "article sets out what the best studies have found.</span></div>"
        '<div style="text-align: justify;"><br /></div><div><br /></div>'
        '<h3 style="text-align: left;">What the big trials found</h3>'
        '<div><span style="font-family: arial;">The largest American trial compared real '
        "acupuncture, <i>simulated</i> acupuncture and usual care in 638 adults with chronic "
        "low back pain.<sup>1</sup> Real acupuncture did not do better than the simulated "
        "kind.</span><br /><br /><br />A Cochrane review that pooled the earlier trials came to "
        "a similar conclusion.<sup>2</sup></div>"
        '<div class="separator" style="clear: both; text-align: center;">'
        f'<a href="{image_base}/s1600/needles.jpg" style="margin-left: 1em; margin-right: '
        '1em;"><img border="0" data-original-height="600" data-original-width="900" '
        f'height="213" src="{image_base}/s320/needles.jpg" width="320" /></a></div>'
        f'<div><span style="font-size: x-small;">1. {CHERKIN}</span></div>'
        f'<div><span style="font-size: x-small;">2. {FURLAN}</span></div>'
        "</div>"
    )


TEASER_HTML = (
    "Many patients tell us that they feel calmer after acupuncture. Can it help with stress?"
    "<a name='more'></a><br /><br />The honest answer is that it might, but the evidence is "
    "much weaker than for pain.<br /><div><br /></div>"
)

PAGE_HTML = (
    '<div dir="ltr" style="text-align: left;">'
    "<div>Back pain is very common and usually gets better on its own within a few weeks."
    "&nbsp;</div><div><br /></div>"
    "<h3>Symptoms</h3><ul><li>pain, stiffness or aching in the lower back</li>"
    "<li>pain that spreads into the buttock or down a leg</li></ul>"
    "<h3>Treatments</h3><div>Staying active is the most important treatment [2]. In trials, "
    "acupuncture helped more than usual care [1][3].</div>"
    '<h3 style="text-align: left;">References</h3><ol>'
    f"<li>{CHERKIN}</li><li>{NICE}</li><li>{HAAKE}</li></ol></div>"
)
# (Three references: the demo's library has the first two; the third is new to it.)

DRAFT_HTML = "<div>Dry needling is not the same as acupuncture.&nbsp;</div>"
COMMENT_HTML = "Thank you, this was really helpful.<br />I have had back pain for years."


def blogger_takeout(image_base=IMAGE, *, teaser_title="Can acupuncture help with stress?"):
    """Google Takeout's feed.atom (2018 schema)."""

    def entry(post_id, kind, status, title, html, published, *, filename="", labels=(),
              parent="", author="Helen Marsh", author_type="BLOGGER"):  # fmt: skip
        parts = [
            "<entry>",
            f"<id>{BLOG}.post-{post_id}</id>",
            f"<blogger:type>{kind}</blogger:type>",
            f"<blogger:status>{status}</blogger:status>",
            f"<author><name>{escape(author)}</name>"
            f"<uri>https://www.blogger.com/profile/0{post_id}</uri>"
            f"<blogger:type>{author_type}</blogger:type></author>",
            f"<title>{escape(title)}</title>",
            f"<content type='html'>{escape(html)}</content>",
            f"<blogger:created>{published}</blogger:created>",
            f"<published>{published}</published>",
            f"<updated>{published}</updated>",
        ]
        parts += [f"<category term='{escape(label)}'/>" for label in labels]
        if parent:
            parts.append(f"<blogger:parent>{BLOG}.post-{parent}</blogger:parent>")
        if filename:
            parts.append(f"<blogger:filename>{filename}</blogger:filename>")
        parts.append("<blogger:metaDescription></blogger:metaDescription></entry>")
        return "".join(parts)

    entries = [
        entry(
            "1001", "POST", "LIVE", "Acupuncture for low back pain: what the evidence says",
            post_html(image_base), "2022-09-15T09:00:00.000+01:00",
            filename="/2022/09/acupuncture-for-low-back-pain.html",
            labels=("Back Pain", "Acupuncture"),
        ),
        entry(
            "1002", "POST", "LIVE", teaser_title, TEASER_HTML, "2022-10-06T09:00:00.000+01:00",
            filename="/2022/10/can-acupuncture-help-with-stress.html",
            labels=("Acupuncture", "Stress and anxiety"),
        ),
        entry(
            "1003", "POST", "DRAFT", "Dry needling: how it differs", DRAFT_HTML,
            "2023-01-10T10:00:00.000Z", labels=("Acupuncture",),
        ),
        entry(
            "1004", "POST", "DELETED", "Old opening hours", "<div>Closed on Fridays.</div>",
            "2021-01-01T10:00:00.000Z", filename="/2021/01/old-opening-hours.html",
        ),
        entry(
            "2001", "PAGE", "LIVE", "Back Pain", PAGE_HTML, "2021-06-01T12:00:00.000+01:00",
            filename="/p/back-pain.html",
        ),
        entry(
            "2002", "PAGE", "LIVE", "Contact us", "<div>Call 01865 000 000.</div>",
            "2021-06-01T12:00:00.000+01:00", filename="/p/contact-us.html",
        ),
        entry(
            "3001", "COMMENT", "LIVE", "", COMMENT_HTML, "2022-09-20T18:30:00.000+01:00",
            parent="1001", author="Margaret", author_type="ANONYMOUS",
        ),
    ]  # fmt: skip
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        "<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:blogger='http://schemas.google.com/blogger/2018'>\n"
        f"<id>{BLOG}</id><title>Riverside Acupuncture Blog</title>\n"
        + "\n".join(entries)
        + "\n</feed>\n"
    )


def blogger_backup(image_base=IMAGE):
    """Blogger's older "Back up content" XML: kinds as categories, drafts as app:draft."""
    kind = "http://schemas.google.com/blogger/2008/kind#"

    def entry(post_id, what, title, html, published, *, link="", labels=(), draft=False,
              reply_to="", author="Helen Marsh"):  # fmt: skip
        parts = [
            "<entry>",
            f"<id>{BLOG}.post-{post_id}</id>",
            f"<published>{published}</published><updated>{published}</updated>",
            f"<category scheme='http://schemas.google.com/g/2005#kind' term='{kind}{what}'/>",
        ]
        parts += [
            f"<category scheme='http://www.blogger.com/atom/ns#' term='{escape(label)}'/>"
            for label in labels
        ]
        parts += [
            f"<title type='text'>{escape(title)}</title>",
            f"<content type='html'>{escape(html)}</content>",
        ]
        if link:
            parts.append(
                f"<link rel='alternate' type='text/html' "
                f"href='http://riverside-acupuncture.blogspot.com{link}' title='{escape(title)}'/>"
            )
        parts.append(
            f"<author><name>{escape(author)}</name><email>noreply@blogger.com</email></author>"
        )
        if draft:
            parts.append(
                "<app:control xmlns:app='http://purl.org/atom/app#'><app:draft>yes</app:draft>"
                "</app:control>"
            )
        if reply_to:
            parts.append(
                f"<thr:in-reply-to xmlns:thr='http://purl.org/syndication/thread/1.0' "
                "href='http://riverside-acupuncture.blogspot.com/x.html' "
                f"ref='{BLOG}.post-{reply_to}' "
                "type='text/html'/>"
            )
        parts.append("</entry>")
        return "".join(parts)

    entries = [
        entry("settings.BLOG_NAME", "settings", "", "Riverside", "2022-01-01T00:00:00.000Z"),
        entry(
            "1001", "post", "Acupuncture for low back pain: what the evidence says",
            post_html(image_base), "2022-09-15T09:00:00.000+01:00",
            link="/2022/09/acupuncture-for-low-back-pain.html", labels=("Back Pain", "Acupuncture"),
        ),
        entry(
            "1002", "post", "Can acupuncture help with stress?", TEASER_HTML,
            "2022-10-06T09:00:00.000+01:00",
            link="/2022/10/can-acupuncture-help-with-stress.html",
            labels=("Acupuncture", "Stress and anxiety"),
        ),
        entry("1003", "post", "Dry needling: how it differs", DRAFT_HTML,
              "2023-01-10T10:00:00.000Z", draft=True),
        entry("2001", "page", "Back Pain", PAGE_HTML, "2021-06-01T12:00:00.000+01:00",
              link="/p/back-pain.html"),
        entry("3001", "comment", "Thank you", COMMENT_HTML, "2022-09-20T18:30:00.000+01:00",
              reply_to="1001", author="Margaret"),
    ]  # fmt: skip
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<?xml-stylesheet href="http://www.blogger.com/styles/atom.css" type="text/css"?>'
        "<feed xmlns='http://www.w3.org/2005/Atom' "
        "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
        "xmlns:gd='http://schemas.google.com/g/2005' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0'>"
        f"<id>{BLOG}</id><updated>2023-01-10T10:00:00.000Z</updated>"
        "<title type='text'>Riverside Acupuncture Blog</title>"
        "<link rel='alternate' type='text/html' href='http://riverside-acupuncture.blogspot.com/'/>"
        + "".join(entries)
        + "</feed>"
    )


WP_POST_BLOCKS = (
    "<!-- wp:paragraph -->\n<p>Low back pain is one of the most common reasons people see their "
    "GP, and one of the most common reasons people ask us about acupuncture.</p>\n"
    '<!-- /wp:paragraph -->\n\n<!-- wp:heading {"level":3} -->\n'
    '<h3 class="wp-block-heading">What the big trials found</h3>\n<!-- /wp:heading -->\n\n'
    "<!-- wp:paragraph -->\n<p>The largest American trial compared real acupuncture, "
    "<em>simulated</em> acupuncture and usual care in 638 adults with chronic low back pain "
    "[1]. A Cochrane review came to a similar conclusion [2].</p>\n<!-- /wp:paragraph -->\n\n"
    '<!-- wp:image {"id":41,"sizeSlug":"large"} -->\n<figure class="wp-block-image '
    'size-large"><img src="{image}/2022/09/needles.jpg" alt="Fine acupuncture needles" '
    'class="wp-image-41"/></figure>\n<!-- /wp:image -->\n\n'
    '<!-- wp:heading {"level":3} -->\n<h3 class="wp-block-heading">References</h3>\n'
    '<!-- /wp:heading -->\n\n<!-- wp:list {"ordered":true} -->\n<ol class="wp-block-list">'
    f"<!-- wp:list-item -->\n<li>{CHERKIN}</li>\n<!-- /wp:list-item -->\n\n"
    f"<!-- wp:list-item -->\n<li>{FURLAN}</li>\n<!-- /wp:list-item --></ol>\n<!-- /wp:list -->"
)
WP_TEASER_CLASSIC = (
    "Many patients tell us that they feel calmer after acupuncture. Can it help with stress?\n"
    "<!--more-->\n\nThe honest answer is that it might, but the evidence is much weaker than "
    "for pain.\n\nTalking therapies have the strongest evidence."
)


def wordpress(image_base="https://riverside-acupuncture.example/wp-content/uploads"):
    def cdata(text):
        return f"<![CDATA[{text}]]>"

    def item(post_id, post_type, status, title, html, date, *, name="", labels=(), comments=(),
             creator="helen", link=""):  # fmt: skip
        gmt = "0000-00-00 00:00:00" if status == "draft" else date
        parts = [
            "<item>",
            f"<title>{cdata(title)}</title>",
            f"<link>{link or f'https://riverside-acupuncture.example/?p={post_id}'}</link>",
            "<pubDate>Thu, 15 Sep 2022 08:00:00 +0000</pubDate>",
            f"<dc:creator>{cdata(creator)}</dc:creator>",
            f'<guid isPermaLink="false">https://riverside-acupuncture.example/?p={post_id}</guid>',
            "<description></description>",
            f"<content:encoded>{cdata(html.replace('{image}', image_base))}</content:encoded>",
            f"<excerpt:encoded>{cdata('')}</excerpt:encoded>",
            f"<wp:post_id>{post_id}</wp:post_id>",
            f"<wp:post_date>{cdata(date)}</wp:post_date>",
            f"<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>",
            f"<wp:post_modified>{cdata(date)}</wp:post_modified>",
            f"<wp:post_modified_gmt>{cdata(gmt)}</wp:post_modified_gmt>",
            f"<wp:comment_status>{cdata('open')}</wp:comment_status>",
            f"<wp:post_name>{cdata(name)}</wp:post_name>",
            f"<wp:status>{cdata(status)}</wp:status>",
            "<wp:post_parent>0</wp:post_parent>",
            f"<wp:post_type>{cdata(post_type)}</wp:post_type>",
        ]
        for domain, label in labels:
            slug = label.lower().replace(" ", "-")
            parts.append(f'<category domain="{domain}" nicename="{slug}">{cdata(label)}</category>')
        for comment_id, author, approved, text in comments:
            parts.append(
                "<wp:comment>"
                f"<wp:comment_id>{comment_id}</wp:comment_id>"
                f"<wp:comment_author>{cdata(author)}</wp:comment_author>"
                f"<wp:comment_author_email>{cdata(author.lower() + '@example.com')}"
                "</wp:comment_author_email>"
                "<wp:comment_author_url></wp:comment_author_url>"
                f"<wp:comment_author_IP>{cdata('192.0.2.1')}</wp:comment_author_IP>"
                f"<wp:comment_date>{cdata('2022-09-20 18:30:00')}</wp:comment_date>"
                f"<wp:comment_date_gmt>{cdata('2022-09-20 17:30:00')}</wp:comment_date_gmt>"
                f"<wp:comment_content>{cdata(text)}</wp:comment_content>"
                f"<wp:comment_approved>{cdata(approved)}</wp:comment_approved>"
                f"<wp:comment_type>{cdata('comment')}</wp:comment_type>"
                "<wp:comment_parent>0</wp:comment_parent>"
                "<wp:comment_user_id>0</wp:comment_user_id>"
                "</wp:comment>"
            )
        parts.append("</item>")
        return "".join(parts)

    site = "https://riverside-acupuncture.example"
    items = [
        item(
            41, "attachment", "inherit", "needles", "", "2022-09-15 09:00:00", name="needles",
        ),
        item(
            11, "post", "publish", "Acupuncture for low back pain: what the evidence says",
            WP_POST_BLOCKS, "2022-09-15 08:00:00", name="acupuncture-for-low-back-pain",
            link=f"{site}/2022/09/15/acupuncture-for-low-back-pain/",
            labels=(("category", "Back Pain"), ("post_tag", "Acupuncture")),
            comments=(
                (5, "Margaret", "1", "Thank you, this helped.\nI have had back pain for years."),
                (6, "Waiting", "0", "Is this covered by insurance?"),
                (7, "Cheap pills", "spam", "Buy now http://spam.example"),
            ),
        ),
        item(
            12, "post", "publish", "Can acupuncture help with stress?", WP_TEASER_CLASSIC,
            "2022-10-06 08:00:00", name="can-acupuncture-help-with-stress",
            link=f"{site}/2022/10/06/can-acupuncture-help-with-stress/",
            labels=(("category", "Wellbeing"), ("post_tag", "Acupuncture")),
        ),
        item(
            13, "post", "draft", "Dry needling: how it differs", DRAFT_HTML, "2023-01-10 10:00:00",
            labels=(("category", "Uncategorized"),),
        ),
        item(
            21, "page", "publish", "Back Pain", PAGE_HTML, "2021-06-01 11:00:00", name="back-pain",
            link=f"{site}/back-pain/",
        ),
    ]  # fmt: skip
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        "<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your"
        " site. -->\n"
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>'
        "<title>Riverside Acupuncture</title>"
        f"<link>{site}</link><description>Evidence explained</description>"
        "<language>en-GB</language><wp:wxr_version>1.2</wp:wxr_version>"
        f"<wp:base_site_url>{site}</wp:base_site_url><wp:base_blog_url>{site}</wp:base_blog_url>"
        "<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[helen]]>"
        "</wp:author_login><wp:author_email><![CDATA[helen@example.com]]></wp:author_email>"
        "<wp:author_display_name><![CDATA[Dr Helen Marsh]]></wp:author_display_name>"
        "<wp:author_first_name><![CDATA[Helen]]></wp:author_first_name>"
        "<wp:author_last_name><![CDATA[Marsh]]></wp:author_last_name></wp:author>"
        "<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename><![CDATA[uncategorized]]>"
        "</wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent>"
        "<wp:cat_name><![CDATA[Uncategorized]]></wp:cat_name></wp:category>"
        "<wp:tag><wp:term_id>9</wp:term_id><wp:tag_slug><![CDATA[unused]]></wp:tag_slug>"
        "<wp:tag_name><![CDATA[Unused tag]]></wp:tag_name></wp:tag>"
        "<generator>https://wordpress.org/?v=6.6</generator>"
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )
