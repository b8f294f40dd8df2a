"""The vocabulary and proportions synthetic knowledge bases are drawn from.

Proportions are plausible rather than measured (except countries, which come from
`kb/data/country-weights.tsv`); each says why it has the shape it has.
"""

from __future__ import annotations

from datetime import date

import numpy as np

HORIZON = date(2026, 10, 31)  # the latest date written; fixed so output never depends on today
FIRST_YEAR = HORIZON.year - 29  # 30 years of agreements
YEARLY_GROWTH = 1.08  # agreements signed per year grow, so recent years dominate

# Syllables for city-like names: onset + 0-2 middles + ending ("Kalgrad", "Selinoport").
ONSETS = "Al Ar Ba Be Bra Ca Cor Da Del El Fa Gal Ha Ir Ka Kal Lu Ma Mer No Or Pa Ra Sa Sel Ta "
ONSETS += "Tor Va Vel Za"
MIDDLES = "ra li no ve ta mi so ren da lo ne ri ko sa ma ti vo ga ze lu"
ENDINGS = "burg via ton grad pur abad polis ia an ford stad ville sk ovo ya mont heim ora ene "
ENDINGS += "dale port field"

# Name patterns per institution kind, each with the ISCED-F codes the name suggests strength
# in ("Mining University" is strong in 0724), so names, strengths and agreements agree.
PATTERNS: dict[str, list[tuple[str, str]]] = {
    "university": [
        ("University of {}", ""),
        ("{} University", ""),
        ("{} State University", ""),
        ("{} National University", ""),
        ("{} Federal University", ""),
        ("{} University of Applied Sciences", ""),
        ("{} Technical University", "0713 0714 0715 0732"),
        ("{} Institute of Technology", "0613 0714 0711"),
        ("{} Polytechnic University", "0715 0716"),
        ("{} Medical University", "0912 0916"),
        ("{} University of Economics", "0311 0412 0413"),
        ("{} Pedagogical University", "0114 0111"),
        ("{} Agricultural University", "0811 0841"),
        ("{} Mining University", "0724 0532"),
        ("{} University of the Arts", "0213 0215"),
    ],
    "research institute": [
        ("{} Institute of Physics", "0533"),
        ("{} Institute of Chemistry", "0531"),
        ("{} Institute of Mathematics", "0541"),
        ("{} Institute of Geology", "0532"),
        ("{} Institute of Biology", "0511"),
        ("{} Institute of Computer Science", "0613"),
        ("{} Energy Research Institute", "0713"),
        ("{} Institute of Materials", "0722"),
        ("{} Water Research Institute", "0712 0521"),
        ("{} Research Institute", ""),
    ],
    "academy": [
        ("{} Academy of Sciences", "0533 0511 0541 0532"),
        ("{} Academy of Arts", "0213"),
        ("{} Academy of Music", "0215"),
        ("{} Military Academy", "1031"),
        ("{} Academy of Agricultural Sciences", "0811"),
    ],
    "company": [
        ("{} Technologies", "0613 0714"),
        ("{} Energy Group", "0713"),
        ("{} Mining Company", "0724"),
        ("{} Pharmaceuticals", "0916"),
        ("{} Motors", "0716"),
        ("{} Systems", "0612"),
    ],
}
INST_KINDS = list(PATTERNS)
INST_KIND_P = [0.82, 0.10, 0.03, 0.05]
# How many partners each kind attracts relative to a university of the same standing.
INST_KIND_REACH = np.array([1.0, 0.6, 0.5, 0.25])
# The popularity tail: Pareto with this shape gives the top 1% over a quarter of all parties.
# Capped, so that no single draw dwarfs the rest: a hub attracts at most PARETO_CAP times the
# partners of the least connected, about the ratio of the busiest real universities (a couple
# of thousand agreements) to the many that have one or two.
PARETO_ALPHA, PARETO_CAP = 1.3, 1000.0
# Same-country and same-region partners are more likely than chance.
SAME_COUNTRY, SAME_REGION = 0.20, 0.25
PARTIES, PARTIES_P = [2, 3, 4, 5], [0.90, 0.05, 0.03, 0.02]
FIELDS_P = [0.35, 0.28, 0.18, 0.12, 0.07]  # 1..5 fields per agreement
FROM_STRENGTHS, FROM_SAME_BROAD = 0.45, 0.30  # the rest of an agreement's fields: anywhere

# Fields by broad field: engineering, ICT and sciences are the common subjects of agreements;
# generic programmes (00) and "field unknown" never are.
BROAD_WEIGHT = {"00": 0.0, "01": 0.6, "02": 0.6, "03": 0.8, "04": 1.0, "05": 1.2, "06": 1.3}
BROAD_WEIGHT |= {"07": 1.5, "08": 0.5, "09": 1.0, "10": 0.3, "99": 0.0}
RESIDUAL_WEIGHT = 0.15  # "not further defined", "inter-disciplinary", "not elsewhere classified"

AGR_KINDS = [
    "MoU",
    "cooperation agreement",
    "exchange",
    "strategic partnership",
    "double degree",
    "joint programme",
    "grant",
    "joint institute",
    "other",
]
BILATERAL_KIND_P = [0.30, 0.18, 0.17, 0.08, 0.08, 0.07, 0.05, 0.02, 0.05]
CONSORTIUM_KIND_P = [0.10, 0.30, 0.05, 0.10, 0.02, 0.15, 0.20, 0.05, 0.03]
TITLE_SUFFIX = [
    "MoU",
    "cooperation agreement",
    "exchange agreement",
    "strategic partnership",
    "double degree programme",
    "joint programme",
    "research grant",
    "joint institute",
    "agreement",
]
# docs/kb-format.md's activity names; each kind implies some, others are added at random.
ACTIVITIES = [
    "student exchange",
    "scholar exchange",
    "faculty exchange",
    "joint research",
    "joint programme",
    "double degree",
    "internships",
    "visiting professors",
    "joint publications",
    "joint events",
    "summer and winter schools",
    "joint laboratories",
]
_A = {a: 1 << i for i, a in enumerate(ACTIVITIES)}
KIND_ACTIVITIES = np.array(
    [
        0,
        0,
        _A["student exchange"] | _A["faculty exchange"],
        _A["joint research"],
        _A["double degree"] | _A["student exchange"],
        _A["joint programme"],
        _A["joint research"] | _A["joint publications"],
        _A["joint laboratories"] | _A["joint research"],
        0,
    ]
)
EXTRA_ACTIVITY_P = 0.12
DATED_P, YEAR_ONLY_P = 0.92, 0.05  # the rest are proposed, not yet signed
VALID_UNTIL_P = 0.6
DURATIONS, DURATIONS_P = [1, 2, 3, 5, 10], [0.10, 0.15, 0.25, 0.35, 0.15]

# Network sizes: 10 × (1 + Lomax(0.9)), capped at 300: median about 20, a few at the cap.
NETWORK_ALPHA = 0.9
NET_KINDS = ["university network", "consortium", "programme", "association"]
NET_KIND_P = [0.45, 0.25, 0.15, 0.15]
NET_NAMES = {
    "university network": "{r}{x} University Network",
    "consortium": "{r}{x} Consortium",
    "programme": "{r}{x} Mobility Programme",
    "association": "{r}{x} University Association",
}
REGIONAL_P = 1 / 3
REGION_ADJ = {
    "Africa": "African",
    "Americas": "Inter-American",
    "Asia": "Asian",
    "Europe": "European",
    "Oceania": "Pacific",
}

PUBLISHERS = [
    "Campus Wire",
    "Higher Education Monitor",
    "Academic Cooperation Review",
    "International Office Bulletin",
    "University Partnerships Digest",
    "Research Alliance News",
    "Education Policy Gazette",
    "Global Academia Report",
]
SOURCE_TITLES = [
    "International partnerships digest, {m}",
    "Agreements signed in {m}",
    "Cooperation news, {m}",
    "Annual report on international relations {y}",
    "Rectors' conference communiqué, {m}",
    "Mobility and partnerships update, {m}",
]
