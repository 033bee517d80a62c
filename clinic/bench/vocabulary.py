"""
Varied clinical text for the benchmark's articles: each article's title, summary and body are
drawn at random from condition names, treatments, outcomes, study designs and sentence patterns,
so no two articles share the same words and common words match some articles, not all.
"""

CONDITIONS = [
    "low back pain",
    "neck pain",
    "knee osteoarthritis",
    "hip osteoarthritis",
    "migraine",
    "tension-type headache",
    "fibromyalgia",
    "plantar fasciitis",
    "tennis elbow",
    "frozen shoulder",
    "carpal tunnel syndrome",
    "sciatica",
    "whiplash",
    "chronic pelvic pain",
    "dysmenorrhoea",
    "irritable bowel syndrome",
    "nausea after surgery",
    "insomnia",
    "anxiety",
    "hot flushes",
    "dry mouth after radiotherapy",
    "chemotherapy-induced nausea",
    "temporomandibular disorder",
    "rotator cuff tendinopathy",
    "Achilles tendinopathy",
    "myofascial pain",
    "trigeminal neuralgia",
    "post-herpetic neuralgia",
    "restless legs",
    "overactive bladder",
    "allergic rhinitis",
    "tinnitus",
    "Bell's palsy",
    "stroke recovery",
    "smoking cessation",
    "obesity",
    "diabetic neuropathy",
    "rheumatoid arthritis",
    "ankylosing spondylitis",
    "cluster headache",
    "chronic fatigue",
    "pregnancy back pain",
    "labour pain",
    "breech presentation",
    "hyperemesis",
    "xerostomia",
    "depression",
    "post-operative pain",
    "cancer pain",
    "phantom limb pain",
    "shin splints",
    "bursitis",
]
TREATMENTS = [
    "acupuncture",
    "electroacupuncture",
    "dry needling",
    "sham acupuncture",
    "auricular acupuncture",
    "physiotherapy",
    "exercise therapy",
    "cognitive behavioural therapy",
    "paracetamol",
    "non-steroidal anti-inflammatory drugs",
    "steroid injection",
    "massage",
    "yoga",
    "tai chi",
    "manual therapy",
    "transcutaneous nerve stimulation",
    "usual care",
    "pain education",
    "weight loss",
    "amitriptyline",
    "gabapentin",
    "topiramate",
    "a walking programme",
]
OUTCOMES = [
    "pain intensity",
    "function",
    "quality of life",
    "sleep quality",
    "days off work",
    "headache days",
    "analgesic use",
    "disability scores",
    "range of movement",
    "grip strength",
    "anxiety scores",
    "nausea episodes",
    "global improvement",
    "walking distance",
    "the number of attacks",
    "satisfaction",
    "return to sport",
    "stiffness",
]
STUDIES = [
    "randomised controlled trial",
    "systematic review",
    "meta-analysis",
    "cohort study",
    "pragmatic trial",
    "pilot study",
    "Cochrane review",
    "individual patient data meta-analysis",
    "cost-effectiveness analysis",
    "case series",
    "guideline",
    "survey of general practitioners",
]
PEOPLE = [
    "adults",
    "older adults",
    "women",
    "men",
    "athletes",
    "office workers",
    "pregnant women",
    "patients waiting for surgery",
    "people in primary care",
    "teenagers",
    "nurses",
    "veterans",
]
PERIODS = [
    "four weeks",
    "six weeks",
    "eight weeks",
    "three months",
    "six months",
    "a year",
    "two years",
]
EFFECTS = [
    "a small benefit",
    "a moderate benefit",
    "no clear difference",
    "a large effect",
    "a benefit that faded",
    "similar results",
    "fewer side effects",
    "a lasting improvement",
]
BODY = [
    "lower back",
    "neck",
    "shoulder",
    "knee",
    "hip",
    "wrist",
    "ankle",
    "jaw",
    "forehead",
    "upper back",
    "heel",
    "elbow",
    "pelvis",
    "scalp",
]
SENTENCES = [
    "A {study} of {n} {people} with {condition} compared {treatment} with {other}.",
    "After {period}, {treatment} showed {effect} on {outcome}.",
    "{Treatment} is one option for {condition}, alongside {other}.",
    "Most {people} with {condition} improve within {period}, whatever the treatment.",
    "The {study} measured {outcome} and {outcome2} at {period}.",
    "Side effects of {treatment} were mild: bruising or soreness in the {body}.",
    "Guidance for {condition} suggests trying {other} before {treatment}.",
    "We usually offer {sessions} sessions of {treatment} over {period}.",
    "Pain in the {body} can come from {condition}, and sometimes from nothing serious at all.",
    "Compared with {other}, {treatment} gave {effect} in {outcome}.",
    "{People} taking part reported better {outcome} than those given {other}.",
    "The evidence for {treatment} in {condition} is {strength}.",
    "See your own doctor if {condition} comes with fever, weight loss or numbness.",
    "In the clinic we check the {body} first, then agree a plan for {condition}.",
    "The effect on {outcome} was {effect} and lasted about {period}.",
]
STRENGTH = ["strong", "moderate", "weak", "mixed", "still growing", "of low certainty"]
TITLES = [
    "{Treatment} for {condition}: what the evidence says",
    "Does {treatment} help {condition}?",
    "{Condition} in {people}: the {study} explained",
    "What to expect from {treatment} for {condition}",
    "{Condition}: {treatment} or {other}?",
    "New {study} on {treatment} and {condition}",
    "How long does {treatment} take to work for {condition}?",
    "{Condition} and {outcome}: questions patients ask",
]


def _fill(rng, pattern, condition=None):
    treatment, other = rng.sample(TREATMENTS, 2)
    condition = condition or rng.choice(CONDITIONS)
    outcome, outcome2 = rng.sample(OUTCOMES, 2)
    people = rng.choice(PEOPLE)
    text = pattern.format(
        study=rng.choice(STUDIES),
        n=rng.randrange(24, 1200),
        people=people,
        People=people.capitalize(),
        condition=condition,
        Condition=condition[0].upper() + condition[1:],
        treatment=treatment,
        Treatment=treatment[0].upper() + treatment[1:],
        other=other,
        period=rng.choice(PERIODS),
        effect=rng.choice(EFFECTS),
        outcome=outcome,
        outcome2=outcome2,
        body=rng.choice(BODY),
        sessions=rng.randrange(4, 13),
        strength=rng.choice(STRENGTH),
    )
    return text[0].upper() + text[1:]


def title(rng, condition):
    return _fill(rng, rng.choice(TITLES), condition)


def sentence(rng, condition=None):
    # Mostly about the article's own condition, now and then about another one.
    return _fill(rng, rng.choice(SENTENCES), condition if rng.random() < 0.7 else None)


def paragraph(rng, condition=None, sentences=4):
    return " ".join(sentence(rng, condition) for _ in range(sentences))
