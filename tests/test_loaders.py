"""Loaders: reference data, knowledge-base files, the seed and the world-universities list.

Every test that writes runs on both stores (the `store` fixture). Malformed input must name
the file, the line and the field, and leave the store exactly as it was.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pycountry
import pytest

from kb.errors import FileError, NotFound
from kb.loaders.countries import country_code
from kb.loaders.disciplines import isced_rows
from kb.loaders.kbfiles import load_file, load_paths
from kb.loaders.records import LOAD_ORDER
from kb.loaders.reference import ensure_reference, load_countries, load_disciplines
from kb.loaders.seed import load_seed
from kb.loaders.universities import load_universities
from kb.loaders.yamlfile import read_yaml
from kb.resolve import Resolver
from kb.schema import NODES, RELS
from kb.store import GraphStore
from kb.store.embedded import EmbeddedStore
from tests.conftest import FIXTURES, UNIVERSITIES, _neo4j_store

TINY = FIXTURES / "tiny"
BAD = FIXTURES / "bad"

# What the tiny knowledge base holds (reference data aside).
TINY_COUNTS = {
    "Source": 3,
    "Institution": 5,
    "Network": 2,
    "Agreement": 4,
    "LOCATED_IN": 5,
    "PART_OF": 1,
    "MEMBER_OF": 4,
    "FOCUSES_ON": 2,
    "STRONG_IN": 3,
    "PARTY_TO": 9,
    "COVERS": 6,
    "REPORTED_IN": 4,
}
KB_KINDS = ["Source", "Institution", "Network", "Agreement"]


# -- helpers -------------------------------------------------------------------------------
def rows(store: GraphStore, cypher: str, **params: Any) -> list[list[Any]]:
    return store.run(cypher, params).rows


def value(store: GraphStore, cypher: str, **params: Any) -> Any:
    found = rows(store, cypher, **params)
    assert len(found) == 1, found
    return found[0][0] if len(found[0]) == 1 else found[0]


def node(store: GraphStore, label: str, key: str) -> dict[str, Any]:
    """Every schema property of one node, by name."""
    spec = NODES[label]
    props = list(spec.props)
    cols = ", ".join(f"n.{p}" for p in props)
    found = rows(store, f"MATCH (n:{label}) WHERE n.{spec.key} = $k RETURN {cols}", k=key)
    assert len(found) == 1, f"{label} {key!r}: {found}"
    return dict(zip(props, found[0], strict=True))


def rels(store: GraphStore, type_: str, key: str | None = None) -> dict[str, dict[str, Any]]:
    """Relationships of one type (optionally from one node): target key -> properties."""
    spec = RELS[type_]
    src, dst = NODES[spec.source].key, NODES[spec.target].key
    props = list(spec.props)
    cols = "".join(f", r.{p}" for p in props)
    where = f"WHERE a.{src} = $k " if key is not None else ""
    found = rows(
        store,
        f"MATCH (a:{spec.source})-[r:{type_}]->(b:{spec.target}) {where}RETURN b.{dst}{cols}",
        k=key,
    )
    out = {r[0]: dict(zip(props, r[1:], strict=True)) for r in found}
    assert len(out) == len(found), f"parallel {type_} relationships: {found}"
    return out


def parties(store: GraphStore, agreement: str) -> dict[str, str | None]:
    found = rows(
        store,
        "MATCH (i:Institution)-[r:PARTY_TO]->(a:Agreement) WHERE a.id = $k RETURN i.id, r.role",
        k=agreement,
    )
    return {i: role for i, role in found}


def snapshot(store: GraphStore) -> dict[str, Any]:
    """Counts plus every property of every node and relationship, in a comparable form."""
    out: dict[str, Any] = {"counts": store.counts()}
    for label, spec in NODES.items():
        cols = ", ".join(f"n.{p}" for p in [spec.key, *[p for p in spec.props if p != spec.key]])
        out[label] = sorted(rows(store, f"MATCH (n:{label}) RETURN {cols}"), key=lambda r: r[0])
    for type_, spec in RELS.items():
        src, dst = NODES[spec.source].key, NODES[spec.target].key
        cols = "".join(f", r.{p}" for p in spec.props)
        q = f"MATCH (a:{spec.source})-[r:{type_}]->(b:{spec.target}) RETURN a.{src}, b.{dst}{cols}"
        out[type_] = sorted(rows(store, q), key=lambda r: (r[0], r[1]))
    return out


def kb_counts(store: GraphStore) -> dict[str, int]:
    counts = store.counts()
    return {k: counts[k] for k in TINY_COUNTS}


def line_of(path: Path, text: str) -> int:
    """The line of `path` holding `text`, which must occur exactly once."""
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(hits) == 1, f"{text!r} in {path}: lines {hits}"
    return hits[0]


def write_list(path: Path, entries: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(entries, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def entry(name: str, code: str, *domains: str, web: str | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "alpha_two_code": code,
        "domains": list(domains),
        "web_pages": [web] if web else [],
        "country": None,
        "state-province": None,
    }


def copy_tiny(tmp_path: Path) -> Path:
    folder = tmp_path / "kb-files"
    shutil.copytree(TINY, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} in {path}"
    path.write_text(text.replace(old, new))


# -- reference data ------------------------------------------------------------------------
def test_countries_are_every_iso_country_with_its_region(store: GraphStore) -> None:
    load_countries(store)
    # pycountry's ISO 3166-1 list plus Kosovo (XK), which ISO leaves to users.
    assert store.counts()["Country"] == len(pycountry.countries) + 1
    assert node(store, "Country", "RU") == {
        "iso2": "RU",
        "iso3": "RUS",
        "name": "Russian Federation",
        "official_name": "Russian Federation",
        "region": "Europe",
        "subregion": "Eastern Europe",
    }
    assert node(store, "Country", "IN")["region"] == "Asia"
    assert node(store, "Country", "XK")["name"] == "Kosovo"
    assert rows(store, "MATCH (c:Country) WHERE c.region IS NULL RETURN c.iso2") == []


def test_disciplines_are_the_isced_taxonomy_with_lineage_and_aliases(store: GraphStore) -> None:
    load_disciplines(store)
    table = isced_rows()
    counts = store.counts()
    assert counts["Discipline"] == len(table) == 189
    assert counts["SUBFIELD_OF"] == sum(1 for r in table if r["parent"]) == 177
    mining = node(store, "Discipline", "0724")
    assert mining["name"] == "Mining and extraction"
    assert mining["level"] == "detailed"
    assert mining["lineage"] == ["07", "072", "0724"]
    assert {"Mining Engineering", "Mining"} <= set(mining["aliases"])
    assert "Geophysics" in node(store, "Discipline", "0532")["aliases"]
    # SUBFIELD_OF climbs one level at a time; a broad field has no parent.
    assert list(rels(store, "SUBFIELD_OF", "0724")) == ["072"]
    assert list(rels(store, "SUBFIELD_OF", "072")) == ["07"]
    assert rels(store, "SUBFIELD_OF", "07") == {}


def test_reference_data_is_loaded_once_and_keeps_user_aliases(store: GraphStore) -> None:
    assert ensure_reference(store) is True
    before = store.counts()
    assert ensure_reference(store) is False
    assert store.counts() == before
    load_file(store, TINY / "field_aliases.yaml")
    load_disciplines(store)  # reloading the taxonomy keeps aliases a field_aliases file added
    assert store.counts() == before
    aliases = node(store, "Discipline", "0532")["aliases"]
    assert {"Geophysics", "Subsurface Mapping"} <= set(aliases)
    assert Resolver(store).field("Subsurface Mapping") == "0532"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("RU", "RU"),
        ("rus", "RU"),
        ("Russia", "RU"),
        ("in", "IN"),
        ("GBR", "GB"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("XK", "XK"),
        (" Germany ", "DE"),
    ],
)
def test_country_code_accepts_codes_and_english_names(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize("text", ["QQ", "XX", "ZZ", "QQQ", "Atlantis"])
def test_country_code_rejects_unknown_codes_instead_of_guessing(text: str) -> None:
    # A fuzzy search used to turn any unknown code into some country (QQ -> Greenland).
    with pytest.raises(NotFound, match="no country named"):
        country_code(text)


# -- knowledge-base files: good input --------------------------------------------------------
def test_tiny_kb_loads_every_file_in_reference_order(store: GraphStore) -> None:
    reports = load_paths(store, [TINY])
    assert [r.kind for r in reports] == LOAD_ORDER
    assert {r.kind: r.records for r in reports} == {
        "sources": 3,
        "institutions": 5,
        "networks": 2,
        "memberships": 4,
        "agreements": 4,
        "field_aliases": 2,
    }
    assert kb_counts(store) == TINY_COUNTS
    # load_paths loads the reference data the files refer to.
    assert store.counts()["Country"] == len(pycountry.countries) + 1
    assert store.counts()["Discipline"] == len(isced_rows())


def test_tiny_kb_institutions(store: GraphStore) -> None:
    load_paths(store, [TINY])
    iit = node(store, "Institution", "iit-kharagpur")
    assert iit == {
        "id": "iit-kharagpur",
        "name": "Indian Institute of Technology Kharagpur",
        "kind": "university",
        "aliases": [],
        "acronyms": ["IIT Kharagpur", "IITKGP"],
        "former_names": [],
        "domains": ["iitkgp.ac.in"],
        "website": "https://www.iitkgp.ac.in/",
        "city": "Kharagpur",
        "founded_year": 1951,
        "origin": "kb",
        "sources": ["tiny-mou-report"],
        "list_names": [],
        "list_domains": [],
        "list_website": None,
        **dict.fromkeys(
            ["degree", "weighted_degree", "betweenness", "eigenvector", "pagerank", "community"]
        ),
    }
    assert node(store, "Institution", "spbpu-ice")["kind"] == "research institute"
    # Countries given as a code, an English name or an alpha-3 code.
    located = {
        i: c for i, c in rows(store, "MATCH (i:Institution)-[:LOCATED_IN]->(c) RETURN i.id, c.iso2")
    }
    assert located == {
        "iit-kharagpur": "IN",
        "spmu": "RU",
        "spbpu": "RU",  # country: Russia
        "spbpu-ice": "RU",
        "city-london": "GB",  # country: GBR
    }
    assert rels(store, "PART_OF", "spbpu-ice") == {"spbpu": {}}  # part_of: SPbPU (an acronym)
    assert rels(store, "STRONG_IN", "iit-kharagpur") == {
        "0724": {
            "sources": ["tiny-mou-report"],
            "evidence": "Mining (among world's top 50 in QS Subject Rank)",
            "note": "Among the world's top 50 in the QS subject ranking",
            "label": "Mining",
        }
    }
    assert list(rels(store, "STRONG_IN", "spmu")) == ["0724"]  # Mineral & Mining Engineering
    assert list(rels(store, "STRONG_IN", "spbpu-ice")) == ["0732"]  # Civil Engineering


def test_tiny_kb_networks_and_memberships(store: GraphStore) -> None:
    load_paths(store, [TINY])
    brics = node(store, "Network", "brics-nu")
    assert brics["name"] == "BRICS Network University"
    assert brics["kind"] == "university network"
    assert brics["acronyms"] == ["BRICS NU"]
    assert node(store, "Network", "wc2")["founded_year"] == 2010
    focus = rels(store, "FOCUSES_ON", "brics-nu")
    assert focus["0613"]["status"] == "current"
    assert focus["0613"]["proposed_by"] is None
    assert focus["0724"]["status"] == "proposed"
    assert focus["0724"]["proposed_by"] == "iit-kharagpur"  # given as "IIT Kharagpur"
    assert focus["0724"]["evidence"].startswith("The Institute emphasized")
    members = {
        (i, n): (role, since, year)
        for i, n, role, since, year in rows(
            store,
            "MATCH (i:Institution)-[r:MEMBER_OF]->(n:Network) "
            "RETURN i.id, n.id, r.role, r.since, r.since_year",
        )
    }
    assert members == {
        ("iit-kharagpur", "brics-nu"): ("member", None, None),
        ("spbpu", "brics-nu"): ("member", None, None),  # SPbPU / BRICS NU
        ("spbpu", "wc2"): ("member", None, 2014),
        ("city-london", "wc2"): ("founding member", date(2010, 5, 1), 2010),  # a former name
    }
    assert rels(store, "MEMBER_OF", "spbpu")["wc2"]["sources"] == ["tiny-partners-page"]


def test_tiny_kb_agreements(store: GraphStore) -> None:
    load_paths(store, [TINY])
    mou = node(store, "Agreement", "iitkgp-spmu-mou-2026")
    assert mou["kind"] == "MoU"
    assert mou["title"] == "IIT Kharagpur – Saint Petersburg Mining University MoU"
    assert mou["signed_on"] == date(2026, 2, 17)
    assert type(mou["signed_on"]) is date
    assert mou["signed_year"] == 2026  # derived from signed_on
    assert mou["valid_until"] is None
    assert mou["status"] == "active"
    assert mou["activities"] == ["student exchange", "faculty exchange", "joint research"]
    assert mou["signatories"] == ["Prof. Suman Chakraborty, Director, IIT Kharagpur"]
    assert parties(store, "iitkgp-spmu-mou-2026") == {"iit-kharagpur": "party", "spmu": "party"}
    # "Mining Engineering" and "0724" are one field: one COVERS carrying both labels.
    assert rels(store, "COVERS", "iitkgp-spmu-mou-2026") == {
        "0724": {"label": "Mining Engineering; 0724"},
        "0532": {"label": "Geophysics"},
    }
    assert list(rels(store, "REPORTED_IN", "iitkgp-spmu-mou-2026")) == ["tiny-mou-report"]

    exchange = node(store, "Agreement", "spbpu-iitkgp-exchange-2021")
    assert (exchange["signed_on"], exchange["valid_from"], exchange["valid_until"]) == (
        date(2021, 6, 15),
        date(2021, 9, 1),
        date(2026, 8, 31),
    )
    assert exchange["valid_from_year"] == 2021
    # Parties named by alias and by acronym; "Law" is the detailed field 0421.
    assert parties(store, "spbpu-iitkgp-exchange-2021") == {"spbpu": None, "iit-kharagpur": None}
    assert set(rels(store, "COVERS", "spbpu-iitkgp-exchange-2021")) == {"0421", "0613"}

    partnership = node(store, "Agreement", "spbpu-city-sp")
    assert partnership["valid_from_year"] == 2015
    assert partnership["signed_on"] is partnership["signed_year"] is None  # never invented
    assert parties(store, "spbpu-city-sp") == {"spbpu": None, "city-london": None}

    grant = node(store, "Agreement", "spb-earth-grant-2023")
    assert (grant["signed_on"], grant["signed_year"], grant["status"]) == (None, 2023, "unknown")
    assert parties(store, "spb-earth-grant-2023") == {
        "spmu": None,
        "spbpu-ice": "host",
        "spbpu": "funder",
    }


def test_tiny_kb_sources_and_field_aliases(store: GraphStore) -> None:
    load_paths(store, [TINY])
    assert node(store, "Source", "tiny-mou-report") == {
        "id": "tiny-mou-report",
        "title": "IIT Kharagpur signs MoU with Saint Petersburg Mining University",
        "publisher": "Tiny Gazette",
        "author": "A. Reporter",
        "url": "https://example.org/news/iitkgp-spmu-mou",
        "published_on": date(2026, 2, 18),
        "document": None,
    }
    # Optional fields left out or written as null are null.
    page = node(store, "Source", "tiny-networks-page")
    assert page["title"] == "University networks at a glance"
    assert page["publisher"] is page["published_on"] is page["url"] is None
    assert "Tunnelling" in node(store, "Discipline", "0732")["aliases"]
    assert "Civil Engineering" in node(store, "Discipline", "0732")["aliases"]  # shipped, kept


# -- the seed ------------------------------------------------------------------------------
def test_seed_knowledge_base(store: GraphStore) -> None:
    reports = load_seed(store)
    assert [r.kind for r in reports] == [k for k in LOAD_ORDER if k != "field_aliases"]
    counts = store.counts()
    assert counts["Institution"] == 30
    assert counts["Agreement"] == 22
    assert counts["LOCATED_IN"] == 30
    mou = node(store, "Agreement", "iitkgp-spmu-mou-2026")
    assert mou["kind"] == "MoU"
    assert mou["signed_on"] == date(2026, 2, 17)
    assert parties(store, "iitkgp-spmu-mou-2026") == {"iit-kharagpur": "party", "spmu": "party"}
    assert set(rels(store, "REPORTED_IN", "iitkgp-spmu-mou-2026")) == {
        "iitkgp-spmu-mou-academicjobs",
        "iitkgp-spmu-mou-announcement",
    }
    assert {"0724", "0532"} <= set(rels(store, "COVERS", "iitkgp-spmu-mou-2026"))
    assert node(store, "Institution", "spmu")["founded_year"] == 1773
    leibniz = node(store, "Agreement", "spbpu-leibniz-hannover-sp")
    assert (leibniz["valid_from"], leibniz["valid_from_year"]) == (None, 1984)


# -- the world-universities list -------------------------------------------------------------
def _list_for(store: GraphStore, tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """The real list on the embedded store; on Neo4j a slice of it, to keep the run short."""
    entries = json.loads(UNIVERSITIES.read_text(encoding="utf-8"))
    if store.dialect == "embedded":
        return UNIVERSITIES, entries
    wanted = {
        "Indian Institute of Technology, Kharagpur",
        "City University",
        "Cornell College",
        "St. Petersburg State Mountain Institut",
        "St. Petersburg State Mining Institute (Technical University)",
        "St. Petersburg State Polytechnical University",
    }
    part = entries[:300] + [e for e in entries[300:] if e["name"] in wanted]
    return write_list(tmp_path / "slice.json", part), part


@pytest.fixture
def world_list(store: GraphStore, tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    if not UNIVERSITIES.is_file():
        pytest.skip(f"the world-universities list is not at {UNIVERSITIES}")
    return _list_for(store, tmp_path)


def test_world_universities_list(store: GraphStore, world_list: tuple[Path, list]) -> None:
    path, entries = world_list
    report = load_universities(store, path)
    counts = store.counts()
    assert report.entries == len(entries)
    assert report.created + report.merged == len(entries)
    assert counts["Institution"] == report.created
    assert counts["LOCATED_IN"] == report.created  # every entry has its country
    assert rows(store, "MATCH (n:Institution) RETURN DISTINCT n.origin") == [["world-universities"]]
    iit = value(
        store,
        "MATCH (n:Institution)-[:LOCATED_IN]->(c) "
        "WHERE n.name = 'Indian Institute of Technology, Kharagpur' "
        "RETURN n.id, n.domains, n.website, n.kind, c.iso2",
    )
    assert iit[0] == "indian-institute-of-technology-kharagpur"
    assert set(iit[1]) == {"iitkgp.ac.in", "iitkgp.ernet.in"}
    assert (iit[2], iit[3], iit[4]) == ("http://www.iitkgp.ernet.in/", "university", "IN")
    # The same name in three countries is three institutions ...
    city = rows(
        store,
        "MATCH (n:Institution)-[:LOCATED_IN]->(c) WHERE n.name = 'City University' RETURN c.iso2",
    )
    assert sorted(c for [c] in city) == ["BD", "GB", "US"]
    # ... and one listed twice in one country (an old and a new domain) is one.
    cornell = value(
        store, "MATCH (n:Institution) WHERE n.name = 'Cornell College' RETURN n.domains"
    )
    assert set(cornell) == {"cornell-iowa.edu", "cornellcollege.edu"}


def test_world_universities_merge_into_the_seed(
    store: GraphStore, world_list: tuple[Path, list]
) -> None:
    path, _ = world_list
    load_seed(store)
    report = load_universities(store, path)
    assert store.counts()["Institution"] == 30 + report.created
    # Merged by domain and by the list's names the seed records as aliases or former names.
    iit = node(store, "Institution", "iit-kharagpur")
    assert set(iit["domains"]) == {"iitkgp.ac.in", "iitkgp.ernet.in"}
    assert iit["origin"] == "kb"
    spmu = node(store, "Institution", "spmu")
    assert {"spmi.ru", "spmi.edu.ru", "gorny-ins.ru"} <= set(spmu["domains"])
    assert "spbstu.ru" in node(store, "Institution", "spbpu")["domains"]
    listed = rows(
        store,
        "MATCH (n:Institution) WHERE n.name IN $names RETURN n.id",
        names=[
            "Indian Institute of Technology, Kharagpur",
            "St. Petersburg State Mountain Institut",
            "St. Petersburg State Polytechnical University",
        ],
    )
    assert listed == []
    # City University (GB) joins City St George's by its domain; the US and BD ones stay apart.
    assert "city.ac.uk" in node(store, "Institution", "city-london")["domains"]
    others = rows(
        store,
        "MATCH (n:Institution)-[:LOCATED_IN]->(c) WHERE n.name = 'City University' RETURN c.iso2",
    )
    assert sorted(c for [c] in others) == ["BD", "US"]


def test_small_handmade_list(store: GraphStore, tmp_path: Path) -> None:
    path = write_list(
        tmp_path / "list.json",
        [
            entry("Tomsk Polytechnic University", "RU", "tpu.ru", web="http://www.tpu.ru/"),
            entry("City University", "GB", "city.ac.uk", web="http://www.city.ac.uk/"),
            entry("City University", "US", "cityu.edu"),
            entry("Tomsk Polytechnic University", "RU", "tpu.edu.ru"),  # a list duplicate
        ],
    )
    report = load_universities(store, path)
    assert (report.entries, report.created, report.merged) == (4, 3, 1)
    assert store.counts()["Institution"] == 3
    tomsk = node(store, "Institution", "tomsk-polytechnic-university")
    assert tomsk["domains"] == ["tpu.ru", "tpu.edu.ru"]
    assert tomsk["website"] == "http://www.tpu.ru/"
    assert (tomsk["kind"], tomsk["origin"]) == ("university", "world-universities")
    assert (tomsk["aliases"], tomsk["acronyms"], tomsk["former_names"]) == ([], [], [])
    located = {
        (n, c)
        for n, c in rows(store, "MATCH (n:Institution)-[:LOCATED_IN]->(c) RETURN n.name, c.iso2")
    }
    assert located == {
        ("Tomsk Polytechnic University", "RU"),
        ("City University", "GB"),
        ("City University", "US"),
    }


# -- malformed input ---------------------------------------------------------------------
# The malformed-input tests only read a store holding the tiny knowledge base (and check
# that it stays as it was), so they share one per store kind, reloaded if something changed it.
_TINY_SNAPSHOTS: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def _tiny_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GraphStore]:
    if request.param == "embedded":
        s: GraphStore = EmbeddedStore(tmp_path_factory.mktemp("tiny") / "kb-data")
    else:
        s = _neo4j_store(request.getfixturevalue("neo4j"))
    yield s
    s.close()


@pytest.fixture
def tiny(_tiny_store: GraphStore) -> GraphStore:
    """The tiny knowledge base on each store. Tests using it must leave it unchanged."""
    s = _tiny_store
    have = _TINY_SNAPSHOTS.get(s.dialect)
    if have is None or snapshot(s) != have:
        s.clear()
        load_paths(s, [TINY])
        _TINY_SNAPSHOTS[s.dialect] = snapshot(s)
    return s


# (file, line the error must name, text on that line, field, part of the message)
BAD_YAML = [
    ("yaml-syntax.yaml", 7, "     country: RU", None, "not valid YAML"),
    ("wrong-top-level.yaml", 2, "universities:", None, "unknown kind 'universities'"),
    ("unknown-field.yaml", 8, "homepage:", "homepage", "unknown field"),
    ("missing-required.yaml", 8, "- id: untitled-agreement", "title", "required field is missing"),
    ("bad-kind.yaml", 7, "kind: college", "kind", "must be 'university', 'research institute'"),
    ("bad-date.yaml", 12, "signed_on: 2026-02-30", "signed_on", "valid date"),
    (
        "duplicate-id.yaml",
        8,
        "- id: twin-university",
        "id",
        "duplicate id 'twin-university' (first used on line 2)",
    ),
    (
        "unknown-institution.yaml",
        13,
        "Saint Petersburg Minning University",
        "parties[1].institution",
        "Did you mean: Empress Catherine II Saint Petersburg Mining University (spmu)",
    ),
    ("unknown-field-name.yaml", 15, "Underwater Basket Weaving", "fields[1]", "no field named"),
    ("unknown-country.yaml", 7, "country: Atlantis", "country", "no country named 'Atlantis'"),
    ("bad-source.yaml", 15, "no-such-source", "sources[1]", "no source named 'no-such-source'"),
]


def _line(path: Path, line: int) -> str:
    return path.read_text().splitlines()[line - 1]


@pytest.mark.parametrize(
    ("name", "line", "marker", "field", "message"), BAD_YAML, ids=[b[0] for b in BAD_YAML]
)
def test_malformed_kb_file_is_reported_and_writes_nothing(
    tiny: GraphStore, name: str, line: int, marker: str, field: str | None, message: str
) -> None:
    store = tiny
    before = snapshot(store)
    path = BAD / name
    assert marker in _line(path, line)
    with pytest.raises(FileError) as caught:
        load_file(store, path)
    err = caught.value
    assert (err.path, err.line, err.field) == (str(path), line, field)
    assert message in err.detail
    where = f"{path}:{line}" + (f": field '{field}'" if field else "")
    assert str(err).startswith(where + ": ")
    # All or nothing: the file's good first records are not written either.
    assert snapshot(store) == before
    ids = ["good-one", "good-agreement", "twin-university", "other-university"]
    for label in ("Institution", "Agreement"):
        assert rows(store, f"MATCH (n:{label}) WHERE n.id IN $ids RETURN n.id", ids=ids) == []


BAD_JSON = [
    ("not-an-array.json", 1, "{", None, "expected a JSON array"),
    ("missing-name.json", 8, "{", "name", "entry 2: Field required"),
    ("bad-alpha-two-code.json", 8, "{", "alpha_two_code", "entry 2: no country named 'QQ'"),
]


@pytest.mark.parametrize(
    ("name", "line", "marker", "field", "message"), BAD_JSON, ids=[b[0] for b in BAD_JSON]
)
def test_malformed_list_is_reported_and_writes_nothing(
    tiny: GraphStore, name: str, line: int, marker: str, field: str | None, message: str
) -> None:
    store = tiny
    before = snapshot(store)
    path = BAD / name
    assert marker in _line(path, line)
    with pytest.raises(FileError) as caught:
        load_universities(store, path)
    err = caught.value
    assert (err.path, err.line, err.field) == (str(path), line, field)
    assert message in err.detail
    assert str(err).startswith(f"{path}:{line}")
    # The good first entry (Tomsk Polytechnic University) is not written either.
    assert snapshot(store) == before
    assert rows(store, "MATCH (n:Institution) WHERE n.name STARTS WITH 'Tomsk' RETURN n.id") == []


def test_a_bad_list_entry_is_reported_at_its_own_line(store: GraphStore, tmp_path: Path) -> None:
    entries = [entry(f"University {n}", "IN", f"u{n}.example") for n in range(6)]
    entries[4]["alpha_two_code"] = "Q1"
    path = write_list(tmp_path / "list.json", entries)
    with pytest.raises(FileError) as caught:
        load_universities(store, path)
    # The line of the entry's opening brace, just above its name.
    assert caught.value.line == line_of(path, '"University 4"') - 1
    assert caught.value.field == "alpha_two_code"
    assert "entry 5" in caught.value.detail
    assert store.counts()["Institution"] == 0


def test_ambiguous_reference_is_an_error_listing_the_candidates(
    store: GraphStore, tmp_path: Path
) -> None:
    load_paths(store, [TINY])
    load_universities(store, write_list(tmp_path / "l.json", [entry("City University", "US")]))
    before = snapshot(store)
    path = tmp_path / "agreements.yaml"
    path.write_text(
        "agreements:\n"
        "  - id: which-city\n"
        "    kind: MoU\n"
        "    title: An agreement with one of two City Universities\n"
        "    parties:\n"
        "      - institution: spbpu\n"
        "      - institution: City University\n"
    )
    with pytest.raises(FileError) as caught:
        load_file(store, path)
    err = caught.value
    assert (err.line, err.field) == (7, "parties[1].institution")
    assert "ambiguous" in err.detail
    assert "City, University of London (city-london)" in err.detail
    assert "City University (city-university)" in err.detail
    assert snapshot(store) == before


# -- reloading -----------------------------------------------------------------------------
def test_reloading_the_tiny_kb_changes_nothing(store: GraphStore) -> None:
    load_paths(store, [TINY])
    before = snapshot(store)
    reports = load_paths(store, [TINY])
    assert sum(r.stats.nodes_created for r in reports) == 0
    assert snapshot(store) == before


def test_reloading_the_seed_changes_nothing(store: GraphStore) -> None:
    load_seed(store)
    before = snapshot(store)
    load_seed(store)
    assert snapshot(store) == before


def test_reloading_the_list_changes_nothing(store: GraphStore, tmp_path: Path) -> None:
    path = write_list(
        tmp_path / "list.json",
        [
            entry("Indian Institute of Technology, Kharagpur", "IN", "iitkgp.ernet.in"),
            entry("City University", "US", "cityu.edu"),
            entry("Tomsk Polytechnic University", "RU", "tpu.ru"),
        ],
    )
    load_paths(store, [TINY])
    load_universities(store, path)
    before = snapshot(store)
    report = load_universities(store, path)
    assert (report.created, report.merged) == (0, 3)
    assert snapshot(store) == before


def test_edited_files_replace_relationships(store: GraphStore, tmp_path: Path) -> None:
    folder = copy_tiny(tmp_path)
    load_paths(store, [folder])
    agreements = folder / "agreements.yaml"
    # Drop a field from the MoU, a party from the grant, and retitle the grant.
    edit(agreements, 'fields: [Mining Engineering, Geophysics, "0724"]', 'fields: ["0724"]')
    edit(agreements, "      - institution: spbpu-ice\n        role: host\n", "")
    edit(agreements, "title: Saint Petersburg earth sciences grant", "title: Earth grant")
    # Drop a network's focus and an institution's strength.
    edit(
        folder / "networks.yaml",
        "      - field: Computer Science\n        status: current\n"
        "        sources: [tiny-networks-page]\n",
        "",
    )
    edit(
        folder / "institutions.yaml",
        "    strengths:\n      - field: Civil Engineering\n        sources: [tiny-partners-page]\n",
        "",
    )
    load_paths(store, [folder])
    assert rels(store, "COVERS", "iitkgp-spmu-mou-2026") == {"0724": {"label": "0724"}}
    assert parties(store, "spb-earth-grant-2023") == {"spmu": None, "spbpu": "funder"}
    assert node(store, "Agreement", "spb-earth-grant-2023")["title"] == "Earth grant"
    assert list(rels(store, "FOCUSES_ON", "brics-nu")) == ["0724"]
    assert rels(store, "STRONG_IN", "spbpu-ice") == {}
    assert kb_counts(store) == {
        **TINY_COUNTS,
        "COVERS": TINY_COUNTS["COVERS"] - 1,
        "PARTY_TO": TINY_COUNTS["PARTY_TO"] - 1,
        "FOCUSES_ON": TINY_COUNTS["FOCUSES_ON"] - 1,
        "STRONG_IN": TINY_COUNTS["STRONG_IN"] - 1,
    }


def test_edited_institution_country_and_parent_are_replaced(
    store: GraphStore, tmp_path: Path
) -> None:
    folder = copy_tiny(tmp_path)
    load_paths(store, [folder])
    institutions = folder / "institutions.yaml"
    edit(institutions, "    country: GBR\n", "    country: US\n")
    edit(institutions, "    part_of: SPbPU\n", "    part_of: spmu\n")
    load_file(store, institutions)
    assert list(rels(store, "LOCATED_IN", "city-london")) == ["US"]
    assert list(rels(store, "PART_OF", "spbpu-ice")) == ["spmu"]
    assert kb_counts(store) == TINY_COUNTS


# -- merging the list with the knowledge base ---------------------------------------------
MERGE_LIST = [
    # merges into iit-kharagpur by its normalised name (same country), adding a domain
    entry("Indian Institute of Technology, Kharagpur", "IN", "iitkgp.ernet.in"),
    # merges into city-london by domain
    entry("City University", "GB", "city.ac.uk", web="http://www.city.ac.uk/"),
    # the same name in another country is another institution
    entry("City University", "US", "cityu.edu", web="http://www.cityu.edu/"),
    # two list entries for one institution (old name and domain, new name and domain)
    entry("St. Petersburg State Mining Institute (Technical University)", "RU", "spmi.edu.ru"),
    entry("Saint Petersburg Mining University", "RU", "spmi.ru"),
    # not in the knowledge base, listed twice
    entry("Tomsk Polytechnic University", "RU", "tpu.ru"),
    entry("Tomsk Polytechnic University", "RU", "tpu.edu.ru"),
]


def _institutions(store: GraphStore) -> list[tuple[Any, ...]]:
    """What a user sees of the institutions, whatever ids the list entries got."""
    found = rows(
        store,
        "MATCH (n:Institution)-[:LOCATED_IN]->(c) "
        "RETURN n.name, c.iso2, n.origin, n.domains, n.aliases",
    )
    return sorted((n, c, o, tuple(sorted(d)), tuple(sorted(a))) for n, c, o, d, a in found)


def test_list_merges_by_domain_then_by_name_within_a_country(
    store: GraphStore, tmp_path: Path
) -> None:
    load_paths(store, [TINY])
    report = load_universities(store, write_list(tmp_path / "list.json", MERGE_LIST))
    assert (report.created, report.merged) == (2, 5)  # City University (US), Tomsk
    assert store.counts()["Institution"] == 5 + 2
    iit = node(store, "Institution", "iit-kharagpur")
    assert iit["domains"] == ["iitkgp.ac.in", "iitkgp.ernet.in"]
    assert iit["name"] == "Indian Institute of Technology Kharagpur"  # the file's facts stay
    assert iit["aliases"] == []  # the list's name is the same name, normalised
    assert set(node(store, "Institution", "spmu")["domains"]) == {"spmi.ru", "spmi.edu.ru"}
    city = node(store, "Institution", "city-london")
    assert city["domains"] == ["city.ac.uk"]
    assert city["website"] == "http://www.city.ac.uk/"
    us = value(
        store,
        "MATCH (n:Institution)-[:LOCATED_IN]->(c:Country) WHERE c.iso2 = 'US' "
        "RETURN n.name, n.domains, n.origin",
    )
    assert us == ["City University", ["cityu.edu"], "world-universities"]


def test_list_domain_wins_over_a_name_match(store: GraphStore, tmp_path: Path) -> None:
    load_paths(store, [TINY])
    # Named like spmu, but on SPbPU's domain: the domain decides.
    path = write_list(
        tmp_path / "list.json", [entry("Saint Petersburg Mining University", "RU", "spbstu.ru")]
    )
    report = load_universities(store, path)
    assert (report.created, report.merged) == (0, 1)
    assert "Saint Petersburg Mining University" in node(store, "Institution", "spbpu")["aliases"]
    assert node(store, "Institution", "spmu")["domains"] == ["spmi.ru"]


def test_kb_absorbs_list_entries_loaded_before_it(store: GraphStore, tmp_path: Path) -> None:
    load_universities(store, write_list(tmp_path / "list.json", MERGE_LIST))
    assert store.counts()["Institution"] == 6  # two City Universities, two SPMU names, ...
    reports = load_paths(store, [TINY])
    institutions = next(r for r in reports if r.kind == "institutions")
    assert institutions.stats.nodes_deleted == 4  # IIT, City (GB) and both SPMU entries
    spmu = node(store, "Institution", "spmu")
    assert set(spmu["domains"]) == {"spmi.ru", "spmi.edu.ru"}
    assert spmu["origin"] == "kb"
    assert set(node(store, "Institution", "iit-kharagpur")["domains"]) == {
        "iitkgp.ac.in",
        "iitkgp.ernet.in",
    }
    # The knowledge base's relationships attach to the merged nodes; nothing dangles.
    assert kb_counts(store) == {**TINY_COUNTS, "Institution": 5 + 2, "LOCATED_IN": 5 + 2}


def test_both_load_orders_give_the_same_institutions(store: GraphStore, tmp_path: Path) -> None:
    path = write_list(tmp_path / "list.json", MERGE_LIST)
    load_universities(store, path)
    load_paths(store, [TINY])
    list_first = _institutions(store)
    store.clear()
    load_paths(store, [TINY])
    load_universities(store, path)
    kb_first = _institutions(store)
    assert len(kb_first) == len(list_first) == 7
    assert kb_first == list_first


def test_reloading_the_kb_keeps_what_the_list_added(store: GraphStore, tmp_path: Path) -> None:
    load_paths(store, [TINY])
    load_universities(store, write_list(tmp_path / "list.json", MERGE_LIST))
    domains = node(store, "Institution", "iit-kharagpur")["domains"]
    assert domains == ["iitkgp.ac.in", "iitkgp.ernet.in"]
    load_paths(store, [TINY])  # e.g. after editing an agreement
    assert node(store, "Institution", "iit-kharagpur")["domains"] == domains
    assert node(store, "Institution", "city-london")["website"] == "http://www.city.ac.uk/"


# -- JSON Lines: the bulk form of the same files ---------------------------------------------
def tiny_as_jsonl(folder: Path, split_agreements: bool = False) -> Path:
    """The tiny knowledge base rewritten as JSON Lines, one file per kind."""
    folder.mkdir()
    for path in TINY.glob("*.yaml"):
        kind, raws = read_yaml(path)
        lines = [json.dumps(raw.data) for raw in raws]
        if split_agreements and kind == "agreements":
            (folder / "agreements-0002.jsonl").write_text("\n".join(lines[2:]) + "\n")
            lines = lines[:2]
            kind = "agreements-0001"
        (folder / f"{kind}.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def test_jsonl_files_load_exactly_as_their_yaml(store: GraphStore, tmp_path: Path) -> None:
    load_paths(store, [TINY])
    from_yaml = snapshot(store)
    store.clear()
    reports = load_paths(store, [tiny_as_jsonl(tmp_path / "jl", split_agreements=True)])
    assert [Path(r.path).name for r in reports][-2:] == [
        "agreements-0001.jsonl",
        "agreements-0002.jsonl",
    ]
    assert snapshot(store) == from_yaml
    load_paths(store, [tmp_path / "jl"])  # reloading changes nothing
    assert snapshot(store) == from_yaml


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (
            '{"id": "x", "kind": "MoX", "title": "t", "parties": [{"institution": "a"}]}',
            "kind",
            "must be 'MoU'",
        ),
        (
            '{"id": "x", "kind": "MoU", "title": "t", "parties": [{"institution": "nobody"}]}',
            "parties[0].institution",
            "no institution named 'nobody'",
        ),
        (
            '{"id": "x", "kind": "MoU", "title": "t", "parties": [{"institution": "a"}],',
            None,
            "not valid JSON",
        ),
        ('["x"]', None, "one JSON object"),
    ],
)
def test_a_bad_jsonl_line_names_file_line_and_field_and_loads_nothing(
    store: GraphStore, tmp_path: Path, line: str, field: str | None, message: str
) -> None:
    folder = tiny_as_jsonl(tmp_path / "jl")
    load_paths(store, [folder])
    before = snapshot(store)
    path = folder / "agreements.jsonl"
    good = path.read_text().splitlines()
    path.write_text("\n".join([good[0], "", line, *good[1:]]) + "\n")
    with pytest.raises(FileError) as caught:
        load_paths(store, [path])
    assert (caught.value.path, caught.value.line, caught.value.field) == (str(path), 3, field)
    assert message in str(caught.value)
    assert snapshot(store) == before


def test_a_jsonl_file_not_named_for_a_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "partners.jsonl"
    path.write_text("{}\n")
    with pytest.raises(FileError, match="named for its kind"):
        load_paths(EmbeddedStore(tmp_path / "db"), [path])
