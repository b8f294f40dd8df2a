"""The graph model: one pydantic model per node label and per relationship's properties.

These models are the single source of truth: `kb.schema` derives every store's tables,
constraints and property types from them, and the knowledge-base file records in
`kb.loaders.records` extend them with references to other records.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"


class InstitutionKind(StrEnum):
    UNIVERSITY = "university"
    RESEARCH_INSTITUTE = "research institute"
    ACADEMY = "academy"
    COMPANY = "company"
    GOVERNMENT = "government"
    OTHER = "other"


class NetworkKind(StrEnum):
    UNIVERSITY_NETWORK = "university network"
    CONSORTIUM = "consortium"
    PROGRAMME = "programme"
    ASSOCIATION = "association"


class AgreementKind(StrEnum):
    MOU = "MoU"
    COOPERATION_AGREEMENT = "cooperation agreement"
    STRATEGIC_PARTNERSHIP = "strategic partnership"
    DOUBLE_DEGREE = "double degree"
    JOINT_PROGRAMME = "joint programme"
    JOINT_INSTITUTE = "joint institute"
    GRANT = "grant"
    EXCHANGE = "exchange"
    OTHER = "other"


class AgreementStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    PROPOSED = "proposed"
    UNKNOWN = "unknown"


class FocusStatus(StrEnum):
    CURRENT = "current"
    PROPOSED = "proposed"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


# -- nodes ---------------------------------------------------------------------------------
class Country(_Model):
    iso2: str
    iso3: str | None = None
    name: str
    official_name: str | None = None
    region: str | None = None
    subregion: str | None = None


class Discipline(_Model):
    """An ISCED-F 2013 field; ``lineage`` lists its own code and its ancestors' codes."""

    code: str
    name: str
    level: str
    lineage: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)


class Source(_Model):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    published_on: date | None = None
    document: str | None = None


class Institution(_Model):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    kind: InstitutionKind = InstitutionKind.UNIVERSITY
    aliases: list[str] = Field(default_factory=list)
    acronyms: list[str] = Field(default_factory=list)
    former_names: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)
    website: str | None = None
    city: str | None = None
    founded_year: int | None = Field(None, ge=0, le=2100)
    origin: str = "kb"
    sources: list[str] = Field(default_factory=list)
    # What the world-universities list says of an institution the knowledge base also holds;
    # kept apart so that reloading a knowledge-base file keeps it (see loaders/universities.py).
    list_names: list[str] = Field(default_factory=list)
    list_domains: list[str] = Field(default_factory=list)
    list_website: str | None = None


class InstitutionScores(_Model):
    """Network scores that `kb analytics scores --write` stores on institutions, so Cypher can
    use them (``ORDER BY i.pagerank DESC``). Knowledge-base files never set them."""

    degree: float | None = None
    weighted_degree: float | None = None
    betweenness: float | None = None
    eigenvector: float | None = None
    pagerank: float | None = None
    community: int | None = None


class Network(_Model):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    kind: NetworkKind = NetworkKind.UNIVERSITY_NETWORK
    aliases: list[str] = Field(default_factory=list)
    acronyms: list[str] = Field(default_factory=list)
    founded_year: int | None = Field(None, ge=0, le=2100)
    website: str | None = None
    sources: list[str] = Field(default_factory=list)


class Agreement(_Model):
    id: str = Field(pattern=ID_PATTERN)
    kind: AgreementKind
    title: str = Field(min_length=1)
    signed_on: date | None = None
    signed_year: int | None = Field(None, ge=1000, le=2100)
    valid_from: date | None = None
    valid_from_year: int | None = Field(None, ge=1000, le=2100)
    valid_until: date | None = None
    status: AgreementStatus = AgreementStatus.UNKNOWN
    activities: list[str] = Field(default_factory=list)
    signatories: list[str] = Field(default_factory=list)
    notes: str | None = None
    evidence: str | None = None


# -- relationship properties ---------------------------------------------------------------
class _Evidence(_Model):
    sources: list[str] = Field(default_factory=list)
    evidence: str | None = None


class MemberOf(_Evidence):
    role: str | None = None
    since: date | None = None
    since_year: int | None = Field(None, ge=1000, le=2100)


class FocusesOn(_Evidence):
    status: FocusStatus = FocusStatus.CURRENT
    proposed_by: str | None = None
    label: str | None = None


class StrongIn(_Evidence):
    note: str | None = None
    label: str | None = None


class PartyTo(_Model):
    role: str | None = None


class Covers(_Model):
    label: str | None = None


class NoProps(_Model):
    pass
