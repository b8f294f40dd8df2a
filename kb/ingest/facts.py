"""The facts ingest proposes from one article, and what every rule shares about them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from kb.ingest.gazetteer import Mention
from kb.ingest.reading import Article
from kb.names import slugify

HEDGE = re.compile(
    r"\b(?:may|might|could|would|expects?|expected|potential(?:ly)?|propos(?:ed|es|ing)|"
    r"plans?|planned|exploring|explore|considering|aims? to|intends?|possible|possibility)\b",
    re.I,
)
_CLAUSE = re.compile(r"[;()]|,\s+(?:which|while|but|and then)\b|:\s")
YEAR = re.compile(r"\b[Ii]n ((?:19|20)\d{2})\b")


@dataclass
class InstitutionFact:
    key: str | None  # None: a name the store does not know
    name: str
    evidence: str
    score: float = 1.0
    confident: bool = True


@dataclass
class AgreementFact:
    parties: list[str]
    kind: str
    evidence: str
    signed_on: date | None = None
    signed_year: int | None = None
    fields: list[str] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    confident: bool = True
    has_kind: bool = True

    @property
    def id(self) -> str:
        when = self.signed_on.isoformat() if self.signed_on else self.signed_year
        return "-".join(str(p) for p in [*sorted(self.parties), slugify(self.kind), when] if p)


@dataclass
class MembershipFact:
    institution: str
    network: str
    role: str
    evidence: str
    since_year: int | None = None
    confident: bool = True


@dataclass
class FocusFact:
    network: str
    field: str  # the words of the text, resolvable through the field aliases
    code: str
    status: str
    evidence: str
    proposed_by: str | None = None
    confident: bool = True


@dataclass
class NewNetwork:
    """A network or programme the store does not know, as the article names it."""

    name: str
    kind: str  # university network | consortium | programme | association
    evidence: str
    acronyms: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    article: Article
    institutions: list[InstitutionFact] = field(default_factory=list)
    agreements: list[AgreementFact] = field(default_factory=list)
    memberships: list[MembershipFact] = field(default_factory=list)
    focuses: list[FocusFact] = field(default_factory=list)
    new_names: dict[str, str] = field(default_factory=dict)  # proposed id -> name
    new_networks: dict[str, NewNetwork] = field(default_factory=dict)  # proposed id -> network


def is_sure(m: Mention) -> bool:
    """A name the store knows by that name (not a new name, nor a close match)."""
    return m.key is not None and not (m.candidates and m.candidates[0].startswith("~"))


def clause(text: str, at: int) -> str:
    """The clause of `text` around position `at`."""
    cuts = [0, *(m.end() for m in _CLAUSE.finditer(text) if m.end() <= at)]
    ends = [m.start() for m in _CLAUSE.finditer(text) if m.start() > at] + [len(text)]
    return text[max(cuts) : min(ends)]
