"""
schema.org JSON-LD for search engines: what a page is, who wrote and reviewed it, on what evidence.

- A condition page is a `MedicalWebPage` about a `MedicalCondition`.
- An article is a `BlogPosting`.

Both carry the author (`Person` with credentials and registration), `reviewedBy` and
`lastReviewed` once the page has had a medical review, a `citation` for every reference,
`audience` patients and the clinic as publisher. `to_script()` writes it safely into a page.
"""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

PATIENT = {"@type": "MedicalAudience", "audienceType": "Patient"}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def organisation(clinic) -> dict:
    data = {"@type": "MedicalClinic", "name": clinic.name, "url": absolute("/")}
    if clinic.phone:
        data["telephone"] = clinic.phone
    if clinic.email:
        data["email"] = clinic.email
    if clinic.address:
        data["address"] = ", ".join(line.strip() for line in clinic.address.splitlines() if line)
    return data


def person(practitioner) -> dict:
    data = {
        "@type": "Person",
        "name": practitioner.display_name,
        "url": absolute(practitioner.get_absolute_url()),
    }
    if practitioner.honorific:
        data["honorificPrefix"] = practitioner.honorific
    if practitioner.post_nominals:
        data["honorificSuffix"] = practitioner.post_nominals
    if practitioner.job_title:
        data["jobTitle"] = practitioner.job_title
    credentials = [
        {"@type": "EducationalOccupationalCredential", "name": name}
        for name in practitioner.qualification_list
    ]
    if practitioner.registration_body:
        registration = f"Registered with the {practitioner.registration_body}"
        if practitioner.registration_number:
            registration += f", number {practitioner.registration_number}"
        credentials.append(
            {
                "@type": "EducationalOccupationalCredential",
                "credentialCategory": "registration",
                "name": registration,
                "recognizedBy": {"@type": "Organization", "name": practitioner.registration_body},
            }
        )
    if credentials:
        data["hasCredential"] = credentials
    return data


def citation(reference) -> dict:
    kind = "ScholarlyArticle" if reference.type in {"article-journal", "review"} else "CreativeWork"
    data = {"@type": kind, "name": reference.title}
    if reference.formatted_text:
        data["description"] = reference.formatted_text
    authors = [
        author.get("literal")
        or " ".join(part for part in [author.get("given"), author.get("family")] if part)
        for author in reference.authors or []
    ]
    if authors:
        data["author"] = [{"@type": "Person", "name": name} for name in authors if name]
    if reference.year:
        data["datePublished"] = str(reference.year)
    if reference.container_title:
        data["isPartOf"] = {"@type": "Periodical", "name": reference.container_title}
    url = reference.doi_url or reference.pubmed_url or reference.url
    if url:
        data["url"] = url
    if reference.doi:
        data["sameAs"] = reference.doi_url
    return data


def citations(references, cited_keys) -> list[dict]:
    """Citation items for the attached references: cited ones in citation order, then the rest."""
    order = {key: number for number, key in enumerate(cited_keys)}
    ranked = sorted(references, key=lambda ref: order.get(ref.key, len(order)))
    return [citation(reference) for reference in ranked]


def _common(page, *, clinic, author) -> dict:
    data = {
        "@context": "https://schema.org",
        "url": absolute(page.get_absolute_url()),
        "mainEntityOfPage": absolute(page.get_absolute_url()),
        "description": page.summary or page.excerpt,
        "inLanguage": "en-GB",
        "audience": PATIENT,
        "publisher": organisation(clinic),
        "citation": page.citations,
    }
    if page.published_at:
        data["datePublished"] = page.published_at.isoformat()
    if page.updated_at:
        data["dateModified"] = page.updated_at.isoformat()
    if author is not None:
        data["author"] = person(author)
    reviewer = getattr(page, "medically_reviewed_by", None)
    if reviewer is not None:
        data["reviewedBy"] = person(reviewer)
    if getattr(page, "last_reviewed", None):
        data["lastReviewed"] = page.last_reviewed.isoformat()
    return data


def for_post(post, *, clinic) -> dict:
    data = {
        "@type": "BlogPosting",
        "headline": post.title[:110],
        "name": post.title,
        **_common(post, clinic=clinic, author=post.author),
    }
    if post.hero_image:
        url = post.hero_image.url
        data["image"] = absolute(url) if url.startswith("/") else url
    return data


def for_condition(condition, *, clinic, author=None) -> dict:
    about = {"@type": "MedicalCondition", "name": condition.name}
    if condition.alternative_name_list:
        about["alternateName"] = condition.alternative_name_list
    return {
        "@type": "MedicalWebPage",
        "name": condition.name,
        "headline": condition.name,
        "about": about,
        **_common(condition, clinic=clinic, author=author),
    }


def to_script(data: dict) -> SafeString:
    """A `<script type="application/ld+json">` element that no string inside can break out of."""
    text = (
        json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
