"""Resolving what users type — ids, names, aliases, acronyms, ISCED codes — to graph keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.errors import Ambiguous, KBError, NotFound
from kb.loaders.kbfiles import load_file, load_paths
from kb.loaders.universities import load_universities
from kb.names import normalize, slugify, union
from kb.resolve import Entry, Resolver
from kb.store import GraphStore
from tests.conftest import FIXTURES

TINY = FIXTURES / "tiny"


# -- institutions ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ref", "key"),
    [
        ("iit-kharagpur", "iit-kharagpur"),  # id
        ("Indian Institute of Technology Kharagpur", "iit-kharagpur"),  # name
        ("Indian Institute of Technology, Kharagpur", "iit-kharagpur"),  # alias
        ("IITKGP", "iit-kharagpur"),  # acronym
        ("IIT Kharagpur", "iit-kharagpur"),  # acronym
        ("iit kharagpur", "iit-kharagpur"),  # case
        ("iitkgp", "iit-kharagpur"),
        ("  IIT   Kharagpur  ", "iit-kharagpur"),  # spacing
        ("INDIAN INSTITUTE OF TECHNOLOGY - KHARAGPUR", "iit-kharagpur"),  # punctuation
        ("SPbPU", "spbpu"),
        ("St. Petersburg Polytechnic University", "spbpu"),  # alias
        ("Saint Petersburg Polytechnic University", "spbpu"),  # St. == Saint
        ("Peter the Great St Petersburg Polytechnic Univ.", "spbpu"),  # Univ. == University
        ("Leningrad Polytechnic Institute", "spbpu"),  # former name
        ("St. Petersburg State Mining Institute", "spmu"),  # former name
        ("Saint-Petersburg Mining University", "spmu"),
        ("Leibniz Universität Hannover", "leibniz-hannover"),
        ("Leibniz Universitat Hannover", "leibniz-hannover"),  # without the diacritic
        ("LUH", "leibniz-hannover"),
        ("Universitat Stuttgart", "uni-stuttgart"),
        ("NUST MISIS", "misis"),
        ("City University London", "city-london"),  # former name
    ],
)
def test_institution_by_any_name(seeded: GraphStore, ref: str, key: str) -> None:
    assert Resolver(seeded).institution(ref) == key


def test_unknown_institution_suggests_close_names(seeded: GraphStore) -> None:
    with pytest.raises(NotFound) as caught:
        Resolver(seeded).institution("Indian Institute of Technology Karagpur")
    err = caught.value
    assert err.suggestions[0] == "Indian Institute of Technology Kharagpur (iit-kharagpur)"
    assert len(err.suggestions) <= 5
    assert str(err).startswith("no institution named 'Indian Institute of Technology Karagpur'.")
    assert "Did you mean: Indian Institute of Technology Kharagpur (iit-kharagpur)" in str(err)


def test_a_name_like_nothing_has_no_suggestions(seeded: GraphStore) -> None:
    with pytest.raises(NotFound) as caught:
        Resolver(seeded).institution("Zqxjv Wkyb")
    assert caught.value.suggestions == []
    assert "Did you mean" not in str(caught.value)


def test_a_near_miss_is_never_silently_accepted(seeded: GraphStore) -> None:
    # An id with different case is still found, as the normalised name of the key.
    assert Resolver(seeded).institution("IIT-Kharagpur") == "iit-kharagpur"
    # A near miss is not silently accepted.
    with pytest.raises(NotFound):
        Resolver(seeded).institution("iit-kharagpu")


# -- networks and sources --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ref", "key"),
    [
        ("brics-nu", "brics-nu"),
        ("BRICS NU", "brics-nu"),
        ("brics nu", "brics-nu"),
        ("BRICS Network University", "brics-nu"),
        ("DIA", "dia"),
    ],
)
def test_network_by_any_name(seeded: GraphStore, ref: str, key: str) -> None:
    assert Resolver(seeded).network(ref) == key


def test_unknown_network_suggests_close_names(seeded: GraphStore) -> None:
    with pytest.raises(NotFound, match="no network named 'BRICS Network Universty'") as caught:
        Resolver(seeded).network("BRICS Network Universty")
    assert "BRICS Network University (brics-nu)" in caught.value.suggestions


def test_source_by_id_or_title(seeded: GraphStore) -> None:
    r = Resolver(seeded)
    assert r.source("spbpu-partnership-page") == "spbpu-partnership-page"
    assert r.source("Academic and Industrial Partnership") == "spbpu-partnership-page"
    with pytest.raises(NotFound, match="no source named"):
        r.source("no-such-source")


def test_kinds_do_not_mix(seeded: GraphStore) -> None:
    # An institution's acronym is not a network, nor a field.
    with pytest.raises(NotFound):
        Resolver(seeded).network("IITKGP")
    with pytest.raises(NotFound):
        Resolver(seeded).field("IITKGP")


# -- fields ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ref", "code"),
    [
        ("0724", "0724"),  # ISCED-F code
        ("072", "072"),
        ("Mining and extraction", "0724"),  # ISCED-F name
        ("mining and extraction", "0724"),
        ("Mining Engineering", "0724"),  # shipped alias
        ("Mineral & Mining Engineering", "0724"),
        ("Mineral and Mining Engineering", "0724"),  # & == and
        ("Geophysics", "0532"),
        ("Earth sciences", "0532"),
        ("Computer Science", "0613"),
        ("Law", "0421"),  # "Law" is 042 and 0421: the most specific wins
        ("law", "0421"),
        ("Education", "011"),  # 01 and 011
        ("Forestry", "0821"),  # 082 and 0821
        ("Engineering", "071"),
    ],
)
def test_field_by_code_name_or_alias(seeded: GraphStore, ref: str, code: str) -> None:
    assert Resolver(seeded).field(ref) == code


def test_unknown_field_suggests_close_names(seeded: GraphStore) -> None:
    with pytest.raises(NotFound, match="no field named 'Minning'") as caught:
        Resolver(seeded).field("Minning")
    assert any(s.endswith("(0724)") for s in caught.value.suggestions)


def test_a_field_code_must_exist(seeded: GraphStore) -> None:
    with pytest.raises(NotFound):
        Resolver(seeded).field("0725")  # 072 has no 0725


# -- ambiguity ------------------------------------------------------------------------------
def test_a_name_shared_by_two_institutions_is_ambiguous(store: GraphStore, tmp_path: Path) -> None:
    load_paths(store, [TINY])
    listed = tmp_path / "list.json"
    listed.write_text(
        json.dumps([{"name": "City University", "alpha_two_code": "US", "domains": ["cityu.edu"]}])
    )
    load_universities(store, listed)
    r = Resolver(store)
    with pytest.raises(Ambiguous) as caught:
        r.institution("City University")
    assert sorted(caught.value.candidates) == [
        "City University (city-university)",
        "City, University of London (city-london)",
    ]
    assert "ambiguous" in str(caught.value)
    # The ids still tell them apart.
    assert r.institution("city-university") == "city-university"
    assert r.institution("city-london") == "city-london"


def test_a_field_alias_given_to_two_unrelated_codes_is_ambiguous(
    store: GraphStore, tmp_path: Path
) -> None:
    aliases = tmp_path / "field_aliases.yaml"
    aliases.write_text(
        "field_aliases:\n"
        "  - alias: Geoinformatics\n"
        '    code: "0532"\n'
        "  - alias: Geoinformatics\n"
        '    code: "0613"\n'
    )
    load_paths(store, [aliases])
    with pytest.raises(Ambiguous) as caught:
        Resolver(store).field("Geoinformatics")
    assert len(caught.value.candidates) == 2
    assert all(c.endswith(("(0532)", "(0613)")) for c in caught.value.candidates)


def test_errors_are_kb_errors(seeded: GraphStore) -> None:
    # The CLI and the API report every KBError as one line; resolution errors must be ones.
    with pytest.raises(KBError):
        Resolver(seeded).institution("Nowhere University of Nothing")


# -- freshness ------------------------------------------------------------------------------
def test_records_written_after_the_resolver_was_made_are_found(
    store: GraphStore, tmp_path: Path
) -> None:
    load_paths(store, [TINY])
    r = Resolver(store)
    assert r.institution("IITKGP") == "iit-kharagpur"  # the lookup table is now read
    more = tmp_path / "institutions.yaml"
    more.write_text(
        "institutions:\n"
        "  - id: tomsk-polytechnic\n"
        "    name: Tomsk Polytechnic University\n"
        "    acronyms: [TPU]\n"
        "    country: RU\n"
    )
    load_file(store, more)  # another resolver writes it
    assert r.institution("TPU") == "tomsk-polytechnic"


def test_records_about_to_be_written_can_be_resolved(store: GraphStore) -> None:
    load_paths(store, [TINY])
    r = Resolver(store)
    r.add("institution", [Entry("new-uni", "New University", ["NU of Somewhere"])])
    assert r.institution("nu of somewhere") == "new-uni"
    assert r.institution("IITKGP") == "iit-kharagpur"  # stored records are still there


# -- names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("St. Petersburg  Polytechnic Univ.", "saint petersburg polytechnic university"),
        ("Universität Stuttgart", "universitat stuttgart"),
        ("Ecology & Environment", "ecology and environment"),
        ("IIT Kharagpur", "iit kharagpur"),
        ("Indian Institute of Technology, Kharagpur", "indian institute of technology kharagpur"),
        ("Saint-Petersburg", "saint petersburg"),
        ("  École   Polytechnique  ", "ecole polytechnique"),
        ("Natl. Acad. of Sci.", "national academy of sciences"),
        ("Intl Inst of Tech", "international institute of technology"),
        ("Ste. Anne", "sainte anne"),
        ("Stuttgart", "stuttgart"),  # only whole words are expanded
        ("", ""),
    ],
)
def test_normalize(name: str, normal: str) -> None:
    assert normalize(name) == normal


def test_spelling_variants_normalise_equal() -> None:
    variants = [
        "St. Petersburg Mining University",
        "Saint Petersburg Mining University",
        "saint-petersburg mining univ",
        "ST PETERSBURG MINING UNIVERSITY",
    ]
    assert len({normalize(v) for v in variants}) == 1


def test_slugify_and_union() -> None:
    assert slugify("Tsinghua University") == "tsinghua-university"
    assert slugify("Universität Stuttgart") == "universitat-stuttgart"
    assert slugify("St. Petersburg State Mining Institute (Technical University)") == (
        "saint-petersburg-state-mining-institute-technical-university"
    )
    assert slugify("!!!") == "x"
    assert union(["a", "b"], ["b", "c", "a", "d"]) == ["a", "b", "c", "d"]


def test_a_renamed_record_answers_to_its_new_names_only(seeded: GraphStore) -> None:
    resolver = Resolver(seeded)
    assert resolver.institution("IITKGP") == "iit-kharagpur"
    resolver.add("institution", [Entry("iit-kharagpur", "IIT KGP Renamed", ["KGP"], [])])
    assert resolver.institution("KGP") == "iit-kharagpur"
    assert resolver.institution("IIT KGP Renamed") == "iit-kharagpur"
    assert resolver.by_name("institution", "IITKGP") == set()
    # Other records keep their names.
    assert resolver.institution("SPbPU") == "spbpu"


def test_an_institution_id_resolves_without_reading_every_name(seeded: GraphStore) -> None:
    r = Resolver(seeded)
    assert r.institution("spbpu") == "spbpu"
    assert "institution" not in r._indexes  # the index of all names costs seconds at 100k
    assert r.institution("SPbPU") == "spbpu"  # a name still goes through the index
    assert "institution" in r._indexes
