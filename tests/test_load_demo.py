from django.contrib.auth.models import User
from django.core.management import call_command

from blog.models import Post
from clinic.models import Reference
from conditions.models import Condition


def test_demo_loads_twice_without_duplicates(db, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    second = capsys.readouterr().out
    assert Post.objects.published().count() == 2
    assert Condition.objects.published().get(slug="back-pain")
    assert Reference.objects.filter(key="cherkin2009").count() == 1
    assert User.objects.filter(username__in=["admin", "editor", "practitioner"]).count() == 3
    # A fresh password on every run, printed once.
    assert "practitioner" in first and first != second


def test_demo_article_cites_its_references_in_vancouver_order(client, db):
    call_command("load_demo", no_accounts=True)
    post = Post.objects.get(slug="acupuncture-for-low-back-pain-what-the-evidence-says")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Arch Intern Med. 2009 May 11;169(9):858-66." in html
    assert 'href="https://doi.org/10.1001/archinternmed.2009.65"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/19433697/"' in html
    # Cherkin is cited first, so it is reference 1 (looked for in the page, not its JSON-LD).
    main = html[html.index("<main") :]
    assert main.index('id="ref-1"') < main.index("Cherkin DC")
