"""Response and request models of the HTTP API (the FastAPI template's families)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from kb.loaders.kbfiles import LoadReport
from kb.loaders.records import PartyEntry
from kb.model import AgreementKind, AgreementStatus


def _iso_date(value: object) -> object:
    # Pydantic would read "0" or 1700000000 as a Unix time; a date parameter is YYYY-MM-DD.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date as YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Problem(BaseModel):
    """An error, as RFC 9457 application/problem+json."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None


class Health(_Out):
    status: str
    store: str
    dialect: str
    counts: dict[str, int]


class CountryRef(_Out):
    iso2: str
    name: str | None = None
    region: str | None = None


class Ref(_Out):
    id: str
    name: str


class SourcePublic(_Out):
    id: str
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published_on: date | None = None


class InstitutionPublic(_Out):
    id: str
    name: str
    kind: str | None = None
    country: str | None = None
    city: str | None = None
    acronyms: list[str] | None = None
    website: str | None = None
    origin: str | None = None


class InstitutionsPublic(_Out):
    data: list[InstitutionPublic]
    count: int = Field(description="How many institutions match, over all pages.")
    offset: int
    limit: int


class MembershipPublic(_Out):
    id: str
    name: str
    role: str | None = None
    since: date | None = None
    since_year: int | None = None
    sources: list[str] | None = None


class AgreementSummary(_Out):
    id: str
    title: str
    kind: str | None = None
    status: str | None = None
    signed_on: date | None = None
    signed_year: int | None = None
    partners: list[str] = []
    fields: list[str] = []
    sources: list[str] = []


class PartnerPublic(_Out):
    id: str
    name: str
    country: str | None = None


class StrengthPublic(_Out):
    code: str
    field: str
    label: str | None = None
    note: str | None = None
    sources: list[str] | None = None


class InstitutionDetail(_Out):
    id: str
    name: str
    kind: str | None = None
    aliases: list[str] | None = None
    acronyms: list[str] | None = None
    former_names: list[str] | None = None
    domains: list[str] | None = None
    website: str | None = None
    city: str | None = None
    founded_year: int | None = None
    origin: str | None = None
    country: CountryRef | None = None
    part_of: Ref | None = None
    parts: list[Ref]
    networks: list[MembershipPublic]
    agreements: list[AgreementSummary] = Field(
        description="One page of the agreements, most recent first."
    )
    agreement_count: int = Field(description="How many agreements, over all pages.")
    agreements_offset: int
    partners: list[PartnerPublic] = Field(description="Every partner, by name.")
    strengths: list[StrengthPublic]
    sources: list[SourcePublic] = Field(
        description="Sources of the institution, its memberships, strengths and this page of "
        "agreements."
    )


class NetworkPublic(_Out):
    id: str
    name: str
    kind: str | None = None
    acronyms: list[str] | None = None
    website: str | None = None
    members: int


class NetworksPublic(_Out):
    data: list[NetworkPublic]
    count: int


class MemberPublic(_Out):
    id: str
    name: str
    country: str | None = None
    role: str | None = None
    since: date | None = None
    since_year: int | None = None
    sources: list[str] | None = None


class FocusPublic(_Out):
    code: str
    field: str
    label: str | None = None
    status: str | None = None
    proposed_by: str | None = None
    sources: list[str] | None = None


class NetworkDetail(_Out):
    id: str
    name: str
    kind: str | None = None
    aliases: list[str] | None = None
    acronyms: list[str] | None = None
    founded_year: int | None = None
    website: str | None = None
    members: list[MemberPublic]
    focuses_on: list[FocusPublic]
    sources: list[SourcePublic]


class DisciplineNode(_Out):
    code: str
    name: str
    level: str
    aliases: list[str] = []
    children: list[DisciplineNode] = []


class AgreementPublic(_Out):
    id: str
    kind: str | None = None
    title: str | None = None
    signed_on: date | None = None
    signed_year: int | None = None
    status: str | None = None
    parties: list[str] = []
    fields: list[str] = []
    sources: list[str] = []


class AgreementsPublic(_Out):
    data: list[AgreementPublic]
    count: int = Field(description="How many agreements are on this page.")
    offset: int
    limit: int
    next_offset: int | None = Field(
        None, description="The offset of the next page; null on the last page."
    )


class AgreementIn(BaseModel):
    """An agreement to add or replace; references may use ids, names, aliases or acronyms."""

    model_config = ConfigDict(extra="forbid")

    kind: AgreementKind
    title: str = Field(min_length=1)
    signed_on: date | None = None
    signed_year: int | None = Field(None, ge=1000, le=2100)
    valid_from: date | None = None
    valid_from_year: int | None = Field(None, ge=1000, le=2100)
    valid_until: date | None = None
    status: AgreementStatus = AgreementStatus.UNKNOWN
    parties: list[PartyEntry] = Field(min_length=1)
    fields: list[str] = []
    activities: list[str] = []
    signatories: list[str] = []
    notes: str | None = None
    sources: list[str] = []
    evidence: str | None = None


class WriteResult(_Out):
    kind: str
    records: int
    nodes_created: int
    nodes_updated: int
    relationships_written: int

    @classmethod
    def of(cls, report: LoadReport) -> WriteResult:
        return cls(
            kind=report.kind,
            records=report.records,
            nodes_created=report.stats.nodes_created,
            nodes_updated=report.stats.nodes_updated,
            relationships_written=report.stats.rels_written,
        )


class QueryParamInfo(_Out):
    name: str
    type: str
    required: bool
    default: Any = None
    help: str = ""


class QueryInfo(_Out):
    name: str
    title: str
    description: str
    params: list[QueryParamInfo]


class QueryAnswer(_Out):
    query: str
    title: str
    params: dict[str, Any] = Field(description="The parameters as bound: names resolved to ids.")
    columns: list[str]
    rows: list[dict[str, Any]]
    count: int


class CypherRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, description="One read-only Cypher statement.")
    params: dict[str, Any] = Field(default_factory=dict, description="Bound parameters.")
    max_rows: int | None = Field(None, ge=1, description="Row cap, at most the server's.")
    timeout_s: float | None = Field(None, gt=0, description="Time limit, at most the server's.")


class CypherResult(_Out):
    columns: list[str]
    rows: list[list[Any]]
    count: int
    truncated: bool = Field(description="True when the row cap stopped the result.")
    row_cap: int
    timeout_s: float


# -- analytics (kb.analytics) ----------------------------------------------------------------
class RankedInstitution(_Out):
    rank: int
    id: str
    name: str | None = None
    country: str | None = None
    score: float


class CentralityPublic(_Out):
    measure: str
    method: str = Field(description='"exact", or how betweenness was sampled.')
    count: int = Field(description="How many institutions were ranked.")
    data: list[RankedInstitution]


class CommunityMember(_Out):
    id: str
    name: str | None = None
    country: str | None = None


class CommunityPublic(_Out):
    community: int = Field(description="0 is the largest community.")
    size: int
    members: list[CommunityMember]


class CommunitiesPublic(_Out):
    data: list[CommunityPublic]
    count: int


class BrokerPublic(_Out):
    id: str
    name: str | None = None
    country: str | None = None
    in_a: bool = Field(description="Member of network a.")
    in_b: bool = Field(description="Member of network b.")
    a_partners: list[str] = Field(description="Its partners among the members of a.")
    b_partners: list[str] = Field(description="Its partners among the members of b.")
    connects: int = Field(description="Members of a and of b it touches, itself included.")
    betweenness: float = Field(
        description="Pairs (member of a, member of b) whose shortest paths run through it."
    )
    reasons: list[str]


class BrokersPublic(_Out):
    a: Ref
    b: Ref
    data: list[BrokerPublic]
    count: int


class SuggestionPublic(_Out):
    id: str
    name: str | None = None
    country: str | None = None
    score: int
    fields: list[str] = Field(description="Shared ISCED-F codes, most specific level.")
    networks: list[str] = Field(description="Networks both belong to.")
    common_partners: list[str]
    points: dict[str, int] = Field(description="The score by part: fields, networks, partners.")
    reasons: list[str]


class SuggestionsPublic(_Out):
    institution: Ref
    data: list[SuggestionPublic]
    count: int


class ScoresWritten(_Out):
    institutions: int = Field(description="Institution nodes written.")
    with_agreements: int = Field(description="Of these, institutions with agreements.")
    communities: int
    betweenness: str = Field(description='"exact", or how betweenness was sampled.')


class InstitutionMatchPublic(_Out):
    rank: int
    id: str
    name: str
    country: str | None = None
    score: float = Field(ge=0, le=1, description="1.0 for an exact id, domain or name match.")
    reason: str = Field(
        description='"id", "domain", "acronym", "name", "alias", "former name", "list name", '
        '"short form" or "fuzzy name".'
    )
    detail: str = Field(description="What matched: the name, alias or domain.")
    sure: bool = Field(description="Only a sure match may be treated as the same institution.")
    country_hint: bool = Field(description="The country hint agreed and raised the score.")


class InstitutionMatchesPublic(_Out):
    query: str
    country: str | None = None
    data: list[InstitutionMatchPublic]
    count: int
    sure: bool = Field(description="Whether the first match is sure.")
