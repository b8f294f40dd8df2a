"""The records of knowledge-base files: graph models plus references to other records."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from kb import model as m


class SourceRecord(m.Source):
    pass


class StrengthEntry(m.StrongIn):
    field: str = Field(min_length=1)


class InstitutionRecord(m.Institution):
    country: str | None = None
    part_of: str | None = None
    strengths: list[StrengthEntry] = Field(default_factory=list)

    @field_validator("origin")
    @classmethod
    def _origin(cls, value: str) -> str:
        if value != "kb":
            raise ValueError("origin is set by kb, not by knowledge-base files")
        return value

    @field_validator("list_names", "list_domains", "list_website")
    @classmethod
    def _list_facts(cls, value: list[str] | str | None) -> list[str] | str | None:
        if value:
            raise ValueError("set by `kb load universities`, not by knowledge-base files")
        return value


class FocusEntry(m.FocusesOn):
    field: str = Field(min_length=1)


class NetworkRecord(m.Network):
    focuses_on: list[FocusEntry] = Field(default_factory=list)


class MembershipRecord(m.MemberOf):
    institution: str = Field(min_length=1)
    network: str = Field(min_length=1)


class PartyEntry(m.PartyTo):
    institution: str = Field(min_length=1)


class AgreementRecord(m.Agreement):
    parties: list[PartyEntry] = Field(min_length=1)
    fields: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dates(self) -> AgreementRecord:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        if self.signed_on and self.signed_year and self.signed_on.year != self.signed_year:
            raise ValueError("signed_year disagrees with signed_on")
        return self


class FieldAliasRecord(m._Model):
    alias: str = Field(min_length=1)
    code: str = Field(min_length=1)


RECORDS: dict[str, type[m._Model]] = {
    "field_aliases": FieldAliasRecord,
    "sources": SourceRecord,
    "institutions": InstitutionRecord,
    "networks": NetworkRecord,
    "memberships": MembershipRecord,
    "agreements": AgreementRecord,
}
# The order that lets every file's references resolve to records loaded before it.
LOAD_ORDER = list(RECORDS)
