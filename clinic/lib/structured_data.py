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


def clinic_id() -> str:
    """The @id of the clinic's MedicalClinic: described in full on the home and contact pages,
    referred to from every page's publisher."""
    return absolute("/#clinic")


def organisation(clinic) -> dict:
    """The publisher of a page: the clinic, by its @id."""
    return {"@type": "MedicalClinic", "@id": clinic_id(), "name": clinic.name, "url": absolute("/")}


def medical_clinic(clinic, *, opening_hours, practitioners) -> dict:
    """The clinic in full: address, geo, telephone, hours, specialty, its physicians.

    `opening_hours` is the openingHoursSpecification list (clinic.practice.hours).
    """
    data = {"@context": "https://schema.org", **organisation(clinic)}
    if clinic.tagline:
        data["description"] = clinic.tagline
    if clinic.phone:
        data["telephone"] = clinic.phone
    if clinic.email:
        data["email"] = clinic.email
    address = {
        "streetAddress": clinic.street_address,
        "addressLocality": clinic.locality,
        "postalCode": clinic.postcode,
        "addressCountry": clinic.country,
    }
    if clinic.street_address or clinic.locality or clinic.postcode:
        data["address"] = {
            "@type": "PostalAddress",
            **{key: value for key, value in address.items() if value},
        }
    if clinic.latitude is not None and clinic.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(clinic.latitude),
            "longitude": float(clinic.longitude),
        }
        data["hasMap"] = clinic.directions_url
    specialties = [
        f"https://schema.org/{name.strip()}"
        for name in clinic.medical_specialty.split(",")
        if name.strip()
    ]
    if specialties:
        data["medicalSpecialty"] = specialties if len(specialties) > 1 else specialties[0]
    if opening_hours:
        data["openingHoursSpecification"] = opening_hours
    if clinic.booking_url:
        data["potentialAction"] = {"@type": "ReserveAction", "target": clinic.booking_url}
    members = [physician(practitioner) for practitioner in practitioners]
    if members:
        data["member"] = members
    return data


def physician(practitioner) -> dict:
    """A practitioner as schema.org's Physician, with their registration."""
    person_data = person(practitioner)
    data = {"@type": "Physician", "name": person_data["name"], "url": person_data["url"]}
    if practitioner.job_title:
        data["description"] = practitioner.job_title
    if "hasCredential" in person_data:
        data["hasCredential"] = person_data["hasCredential"]
    if practitioner.registration_number:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": practitioner.registration_body or "registration",
            "value": practitioner.registration_number,
        }
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
        register_url = getattr(practitioner, "register_url", "")
        if register_url:
            credentials[-1]["url"] = register_url
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


def citations(references) -> list[dict]:
    """Citation items for the page's references, in the order given (the page's numbering)."""
    return [citation(reference) for reference in references]


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
