"""Links from a practitioner's registration to the regulator's public register.

The GMC's medical register has a page per doctor, addressed by the GMC reference number; the
other UK healthcare regulators offer a search page, which is linked instead.
"""

import re

# (names and abbreviations the body is written as, lower case; URL with {number} or a search)
REGISTERS = [
    ({"general medical council", "gmc"}, "https://www.gmc-uk.org/doctors/{number}"),
    (
        {"nursing and midwifery council", "nmc"},
        "https://www.nmc.org.uk/registration/search-the-register/",
    ),
    (
        {"health and care professions council", "hcpc"},
        "https://www.hcpc-uk.org/check-the-register/",
    ),
    ({"general pharmaceutical council", "gphc"}, "https://www.pharmacyregulation.org/registers"),
    ({"general osteopathic council", "gosc"}, "https://www.osteopathy.org.uk/register-search/"),
    ({"general chiropractic council", "gcc"}, "https://www.gcc-uk.org/check-the-register"),
]


def register_url(body: str, number: str) -> str:
    name = " ".join(re.sub(r"^the\s+", "", (body or "").strip().lower()).split())
    digits = re.sub(r"\D", "", number or "")
    for names, url in REGISTERS:
        if name in names:
            if "{number}" in url:
                return url.format(number=digits) if digits else ""
            return url
    return ""
