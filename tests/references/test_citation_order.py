"""One citation order, computed on save and stored: the page's list, its JSON-LD and its
downloads follow it, whatever the Markdown looks like."""

import json

from django.urls import reverse

from tests import factories


def test_the_list_the_json_ld_and_the_downloads_share_the_stored_order(client, db):
    # `[@beta2020]` inside code is text, not a citation: the page cites only alpha.
    beta = factories.ReferenceFactory(key="beta2020", title="Beta trial")
    alpha = factories.ReferenceFactory(key="alpha2019", title="Alpha review")
    post = factories.PostFactory(slug="order", body="Type `[@beta2020]` to cite; see [@alpha2019].")
    factories.attach(post, beta, alpha)
    post.refresh_from_db()

    assert post.reference_order == [alpha.pk, beta.pk]
    assert post.references_html.index("Alpha review") < post.references_html.index("Beta trial")
    assert [item["name"] for item in post.citations] == ["Alpha review", "Beta trial"]
    response = client.get(reverse("blog:references", args=["order", "json"]))
    assert [item["id"] for item in json.loads(response.content)] == ["alpha2019", "beta2020"]


def test_the_stored_order_follows_the_text_when_it_changes(db):
    first = factories.ReferenceFactory(key="first2001")
    second = factories.ReferenceFactory(key="second2002")
    post = factories.PostFactory(body="[@first2001] then [@second2002].")
    factories.attach(post, first, second)
    post.refresh_from_db()
    assert post.reference_order == [first.pk, second.pk]

    post.body = "[@second2002] then [@first2001]."
    post.save()

    post.refresh_from_db()
    assert post.reference_order == [second.pk, first.pk]
