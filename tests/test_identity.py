"""Institution identity resolution: spellings, scripts, domains, country hints, sure/unsure."""

from __future__ import annotations

import doctest
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import kb.identity
import kb.names
from kb.api.main import create_app
from kb.cli.main import app
from kb.identity import best, forget, resolve_institution
from kb.names import canonical
from kb.settings import Settings
from kb.store import GraphStore
from kb.store.embedded import EmbeddedStore
from tests.conftest import UNIVERSITIES

SPELLINGS = [
    ("IIT Kharagpur", "iit-kharagpur", "acronym"),
    ("IITKGP", "iit-kharagpur", "acronym"),
    ("Indian Institute of Technology, Kharagpur", "iit-kharagpur", "name"),
    ("iitkgp.ac.in", "iit-kharagpur", "domain"),
    ("https://www.iitkgp.ac.in/", "iit-kharagpur", "domain"),
    ("SPbPU", "spbpu", "acronym"),
    ("S.P.b.P.U.", "spbpu", "acronym"),
    ("СПбПУ", "spbpu", "acronym"),
    ("St. Petersburg State Polytechnical University", "spbpu", "former name"),
    ("Saint-Petersburg State Polytechnic Univ.", "spbpu", "former name"),
    ("Peter the Great St Petersburg Polytechnic University", "spbpu", "name"),
    ("spbstu.ru", "spbpu", "domain"),
    ("Санкт-Петербургский политехнический университет", "spbpu", "alias"),
    ("Sankt-Peterburgskiy Politekhnicheskiy Universitet", "spbpu", "alias"),
    ("Saint Petersburg Mining University", "spmu", "alias"),
    ("St. Petersburg State Mining Institute", "spmu", "former name"),
    ("Empress Catherine II Saint Petersburg Mining University", "spmu", "name"),
    ("https://spmi.ru/en", "spmu", "domain"),
    ("spmu", "spmu", "id"),
]


@pytest.mark.parametrize(("text", "expected", "reason"), SPELLINGS)
def test_the_issues_institutions_resolve_in_every_spelling(
    seeded: GraphStore, text: str, expected: str, reason: str
):
    top = resolve_institution(seeded, text)[0]
    assert (top.id, top.reason, top.sure) == (expected, reason, True), top
    assert top.score >= 0.97
    assert best(seeded, text) == top


def test_exact_names_score_one_and_say_what_matched(seeded: GraphStore):
    top = resolve_institution(seeded, "St. Petersburg State Mining Institute")[0]
    assert top.score == 1.0 and top.detail == "St. Petersburg State Mining Institute"
    assert top.name == "Empress Catherine II Saint Petersburg Mining University"
    assert top.country == "RU"


def test_a_misspelling_is_found_but_unsure(seeded: GraphStore):
    matches = resolve_institution(seeded, "Kharagpur Institute of Tecnology")
    assert matches[0].id == "iit-kharagpur" and matches[0].reason == "fuzzy name"
    assert not matches[0].sure and 0.6 < matches[0].score < 0.92
    assert best(seeded, "Kharagpur Institute of Tecnology") is None


def test_only_the_first_match_can_be_sure(seeded: GraphStore):
    matches = resolve_institution(seeded, "St. Petersburg Polytechnic University", limit=5)
    assert matches[0].sure and not any(m.sure for m in matches[1:])
    assert len(matches) <= 5 and [m.score for m in matches] == sorted(
        (m.score for m in matches), reverse=True
    )


def test_an_unrelated_name_is_unsure_or_absent(seeded: GraphStore):
    for text in ("Acme Widget College", "Zxqv", "   "):
        matches = resolve_institution(seeded, text)
        assert not matches or not matches[0].sure
        assert best(seeded, text) is None


def test_the_country_hint_is_named_and_boosts(seeded: GraphStore):
    plain = resolve_institution(seeded, "Saint Petersburg Polytechnic Instityte", limit=3)
    hinted = resolve_institution(seeded, "Saint Petersburg Polytechnic Instityte", country="RU")
    assert hinted[0].country_hint and hinted[0].why == f"{hinted[0].reason} + country RU"
    assert hinted[0].score > plain[0].score or hinted[0].score == 1.0
    abroad = resolve_institution(seeded, "Indian Institute of Technology Kharagpur", country="DE")
    assert abroad[0].id == "iit-kharagpur" and abroad[0].score == 0.95
    assert not abroad[0].country_hint


# -- the world-universities list (embedded only: about 10,000 institutions) -----------------
@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    from kb.loaders.seed import load_seed
    from kb.loaders.universities import load_universities

    if not UNIVERSITIES.exists():
        pytest.skip(f"no world-universities list at {UNIVERSITIES}")
    s = EmbeddedStore(tmp_path_factory.mktemp("world") / "kb-data")
    load_seed(s)
    load_universities(s, UNIVERSITIES)
    yield s
    s.close()


def test_the_list_keeps_the_seed_identities(world: GraphStore):
    top = resolve_institution(world, "St. Petersburg State Polytechnical University")[0]
    assert (top.id, top.sure) == ("spbpu", True) and top.reason in ("list name", "former name")
    mountain = resolve_institution(world, "St. Petersburg State Mountain Institut")[0]
    # The seed already lists this name as an alias, so the merge added no list name.
    assert (mountain.id, mountain.reason, mountain.sure) == ("spmu", "alias", True)
    for text in ("gorny-ins.ru", "http://www.spmi.edu.ru/", "iitkgp.ernet.in"):
        top = resolve_institution(world, text)[0]
        assert top.reason == "domain" and top.sure and top.id in {"spmu", "iit-kharagpur"}


def test_university_of_x_is_x_university(world: GraphStore):
    exact = resolve_institution(world, "University of Tartu")[0]
    reordered = resolve_institution(world, "Tartu University")[0]
    assert exact.id == reordered.id and exact.sure and reordered.sure
    assert exact.country == "EE" and reordered.score == 0.97


def test_cyrillic_names_over_the_list(world: GraphStore):
    top = resolve_institution(world, "Санкт-Петербургский политехнический университет")[0]
    assert top.id == "spbpu"


def test_repeated_names_are_unsure_without_a_country(world: GraphStore):
    everywhere = resolve_institution(world, "City University")
    assert len([m for m in everywhere if m.score == 1.0]) > 1 and not everywhere[0].sure
    hinted = resolve_institution(world, "City University", country="United Kingdom")
    assert hinted[0].sure and hinted[0].country == "GB" and hinted[0].country_hint


def test_resolving_over_the_list_is_fast(world: GraphStore):
    resolve_institution(world, "warm the index")
    names = ["St Petersburg Polytecnic Univesity", "Tartu University", "spbstu.ru", "IITKGP"]
    start = time.perf_counter()
    for name in names * 5:
        resolve_institution(world, name)
    per_call = (time.perf_counter() - start) / (len(names) * 5)
    assert per_call < 0.1, per_call


def test_the_index_follows_new_institutions(tmp_path: Path):
    from kb.loaders.seed import load_seed

    s = EmbeddedStore(tmp_path / "kb-data")
    try:
        assert resolve_institution(s, "IITKGP") == []
        load_seed(s)
        assert resolve_institution(s, "IITKGP")[0].id == "iit-kharagpur"
        forget(s)
        assert resolve_institution(s, "IITKGP", refresh=True)[0].sure
    finally:
        s.close()


def _list_store(tmp_path: Path, names: list[str]) -> EmbeddedStore:
    from kb.loaders.universities import load_universities

    entries = [
        {"name": n, "domains": [f"u{i}.example"], "web_pages": [], "alpha_two_code": "US"}
        for i, n in enumerate(names)
    ]
    path = tmp_path / "list.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    s = EmbeddedStore(tmp_path / "kb-data")
    load_universities(s, path)
    return s


def test_initials_and_place_forms_are_sure_only_when_unique(tmp_path: Path):
    s = _list_store(
        tmp_path,
        [
            "Quuxville Institute of Technology, Springfield",
            "Quux Institute of Technology Ogdenville",
            "Quuxburg Institute of Technology, Ogdenville",
            "Tallinn University of Technology",
        ],
    )
    try:
        top = resolve_institution(s, "QIT Springfield")[0]
        assert (top.name, top.reason, top.score, top.sure) == (
            "Quuxville Institute of Technology, Springfield",
            "short form",
            0.96,
            True,
        )
        shared = resolve_institution(s, "QIT Ogdenville")
        assert [m.score for m in shared[:2]] == [0.96, 0.96] and not shared[0].sure
        assert best(s, "QIT Ogdenville") is None
    finally:
        s.close()


# -- normalisation ---------------------------------------------------------------------------
def test_doctests():
    for module in (kb.names, kb.identity):
        assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("St. Petersburg Polytechnic Univ.", "Saint-Petersburg Polytechnical University"),
        ("Sankt-Peterburgskii Gosudarstvennyi Universitet", "St. Petersburg State University"),
        ("Санкт-Петербургский государственный университет", "Saint Petersburg State University"),
        ("University of Tartu", "Tartu University"),
        ("The University of Tartu", "TARTU UNIVERSITY"),
        ("Universität Stuttgart", "University of Stuttgart"),
        ("Politecnico di Milano", "Polytechnic of Milano"),
    ],
)
def test_canonical_folds_variants(a: str, b: str):
    assert canonical(a) == canonical(b)


def test_canonical_keeps_different_places_apart():
    assert canonical("Gorno-Altaisk State University") != canonical("Mining State University")
    assert canonical("San Diego State University") != canonical("Saint Diego State University")


# -- CLI and API -----------------------------------------------------------------------------
runner = CliRunner()


def test_cli_resolve_prints_a_table(cli_store: str):
    result = runner.invoke(app, ["resolve", "IIT Kharagpur", "--store", cli_store])
    assert result.exit_code == 0, result.stderr
    assert "iit-khara" in result.stdout and "acronym" in result.stdout  # narrow terminal folds
    assert "│ sure" in result.stdout and "unsure" not in result.stdout


def test_cli_resolve_json_with_a_country(cli_store: str):
    result = runner.invoke(
        app,
        ["resolve", "St Petersburg Polytecnic Instityte", "-c", "RU", "--json", "-n", "2"],
        env={"KB_STORE": cli_store},
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) <= 2 and rows[0]["id"] == "spbpu" and rows[0]["rank"] == 1
    assert rows[0]["country_hint"] is True and set(rows[0]) >= {"score", "reason", "sure"}


def test_cli_resolve_says_when_nothing_matches(cli_store: str):
    result = runner.invoke(app, ["resolve", "Zxqv", "--store", cli_store])
    assert result.exit_code == 0 and "No institution matches 'Zxqv'" in result.stdout
    bad = runner.invoke(app, ["resolve", "IITKGP", "--country", "QQ", "--store", cli_store])
    assert bad.exit_code == 1 and "no country named" in bad.stderr


def test_api_resolve(seeded: GraphStore):
    api = TestClient(create_app(Settings(store="unused", api_key="k"), seeded))
    body = api.get("/institutions/resolve", params={"name": "IITKGP"}).json()
    assert body["sure"] and body["count"] == 1 and body["data"][0]["id"] == "iit-kharagpur"
    assert body["data"][0]["reason"] == "acronym" and body["data"][0]["rank"] == 1
    hinted = api.get(
        "/institutions/resolve", params={"name": "Mining University", "country": "RU", "limit": 2}
    ).json()
    assert hinted["country"] == "RU" and len(hinted["data"]) <= 2
    assert api.get("/institutions/resolve", params={"name": ""}).status_code == 422
    assert api.get("/institutions/resolve", params={"name": "x", "country": "QQ"}).status_code in (
        400,
        404,
        422,
    )
    assert api.get("/institutions/spbpu").json()["id"] == "spbpu"  # not shadowed
