"""Article ingest: reading, proposing facts, the review file, applying it, and its score."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kb.cli.main import app
from kb.ingest import apply_review, dump_review, ingest_paths, review_document
from kb.ingest.reading import article_from_text, read_article, split_sentences
from kb.loaders.kbfiles import load_paths
from kb.store import GraphStore
from tests.conftest import FIXTURES, IN_CI, SHARED

ARTICLES = FIXTURES / "articles"
SEEDS = SHARED / "seeds"


@pytest.fixture
def kb_store(store: GraphStore) -> GraphStore:
    """A store holding the three universities and the network the test articles name."""
    load_paths(store, [FIXTURES / "ingest-kb"])
    return store


def _review(store: GraphStore, *names: str) -> dict:
    paths = [ARTICLES / n for n in names] if names else [ARTICLES]
    return review_document(store, ingest_paths(store, paths))


def _agreement_count(store: GraphStore) -> int:
    return store.run("MATCH (a:Agreement) RETURN count(a) AS n").records()[0]["n"]


# -- reading --------------------------------------------------------------------------------
def test_reads_html_without_scripts_and_takes_meta() -> None:
    a = read_article(ARTICLES / "partnership.html")
    text = " ".join(s.text for s in a.sentences)
    assert a.title == "Tsinghua University and Zhejiang University sign an MoU"
    assert a.published_on == date(2024, 5, 6)
    assert a.url == "https://news.example.org/2024/tsinghua-zju-mou"
    assert "Memorandum of Understanding" in text
    assert "document.write" not in text and "Leibniz" not in text and "color" not in text


def test_reads_plain_text_title_date_and_sentences() -> None:
    a = read_article(ARTICLES / "undated.txt")
    assert a.title == "Nanjing University and Zhejiang University partner up"
    assert a.published_on == date(2025, 6, 30)
    # the hard-wrapped sentence is one sentence
    assert any(s.text.endswith("joint research in energy and biotechnology.") for s in a.sentences)


def test_publication_date_forms() -> None:
    a = article_from_text("Some title\n\nBody text here.\n\nДата публикации: 2025.07.17\n", "x.txt")
    assert a.published_on == date(2025, 7, 17)
    b = article_from_text("Dr. Jane Roe\n\nA headline\n\nPublished: February 17, 2026\n", "y.txt")
    assert (b.title, b.author, b.published_on) == ("A headline", "Dr. Jane Roe", date(2026, 2, 17))


def test_sentence_split_keeps_titles_and_abbreviations() -> None:
    text = "Prof. V K Tewari visited St. Petersburg. The Dept. of Higher Education agreed."
    assert split_sentences(text) == [
        "Prof. V K Tewari visited St. Petersburg.",
        "The Dept. of Higher Education agreed.",
    ]


# -- proposing ------------------------------------------------------------------------------
def test_agreement_with_parties_kind_date_fields_activities(kb_store: GraphStore) -> None:
    doc = _review(kb_store, "partnership.html")
    (ag,) = doc["agreements"]
    assert ag["accept"] is True
    assert ag["kind"] == "MoU"
    assert {p["institution"] for p in ag["parties"]} == {"tsinghua", "zhejiang"}
    assert ag["signed_on"] == date(2024, 3, 3)  # from the sentence, not the publication date
    assert {"student exchange", "joint research"} <= set(ag["activities"])
    assert {"Computer Science", "Architecture"} <= set(ag["fields"])
    assert ag["evidence"].startswith("Tsinghua University signed a Memorandum")
    assert ag["sources"] == [doc["sources"][0]["id"]]
    assert ag["id"] == "tsinghua-zhejiang-mou-2024-03-03"


def test_article_without_agreement_yields_none(kb_store: GraphStore) -> None:
    doc = _review(kb_store, "no-agreement.txt")
    assert doc["agreements"] == []
    assert {m["institution"] for m in doc["mentions"]} == {"tsinghua", "zhejiang"}


def test_dates_are_never_invented(kb_store: GraphStore) -> None:
    # The article has a publication date but says nothing of when it was signed.
    (ag,) = _review(kb_store, "undated.txt")["agreements"]
    assert ag["kind"] == "cooperation agreement"
    assert ag["signed_on"] is None and ag["signed_year"] is None


def test_unknown_names_are_proposed_unaccepted(kb_store: GraphStore) -> None:
    doc = _review(kb_store, "undated.txt")
    (new,) = doc["institutions"]
    assert new["name"] == "Kazan Federal Technical University"
    assert new["accept"] is False and new["country"] is None


def test_membership_and_thematic_areas(kb_store: GraphStore) -> None:
    doc = _review(kb_store, "network.txt")
    (m,) = doc["memberships"]
    assert (m["institution"], m["network"], m["since_year"]) == (
        "zhejiang",
        "example-alliance",
        2021,
    )
    assert {f["field"] for f in doc["focus_areas"]} == {"Computer Science", "Water Resources"}


# -- review and apply -----------------------------------------------------------------------
def test_review_file_writes_nothing_until_applied(kb_store: GraphStore, tmp_path: Path) -> None:
    before = kb_store.counts()
    review = tmp_path / "review.yaml"
    review.write_text(dump_review(_review(kb_store)), encoding="utf-8")
    doc = yaml.safe_load(review.read_text())
    assert doc["agreements"] and doc["sources"]
    assert all("accept" in p for p in doc["agreements"] + doc["memberships"])
    assert kb_store.counts() == before


def test_apply_writes_evidence_and_sources_and_is_idempotent(kb_store: GraphStore) -> None:
    text = dump_review(_review(kb_store))
    report = apply_review(kb_store, text, "review.yaml")
    assert report.written["agreements"] == 2
    rows = kb_store.run(
        "MATCH (a:Agreement {id: 'tsinghua-zhejiang-mou-2024-03-03'})-[:REPORTED_IN]->(s:Source) "
        "RETURN a.evidence AS evidence, a.signed_on AS signed, s.title AS title, s.url AS url"
    ).records()
    assert rows and rows[0]["evidence"].startswith("Tsinghua University signed")
    assert rows[0]["url"] == "https://news.example.org/2024/tsinghua-zju-mou"
    member = kb_store.run(
        "MATCH (:Institution {id: 'zhejiang'})-[m:MEMBER_OF]->(:Network {id: 'example-alliance'}) "
        "RETURN m.evidence AS evidence, m.sources AS sources"
    ).records()
    assert member and "member of" in member[0]["evidence"] and member[0]["sources"]
    focus = kb_store.run(
        "MATCH (:Network {id: 'example-alliance'})-[:FOCUSES_ON]->(d:Discipline) RETURN d.code AS c"
    ).records()
    assert {r["c"] for r in focus} == {"0613", "0712"}
    assert (
        kb_store.run(
            "MATCH (i:Institution {id: 'kazan-federal-technical-university'}) RETURN i"
        ).rows
        == []
    )  # not accepted
    after = kb_store.counts()
    apply_review(kb_store, text, "review.yaml")
    assert kb_store.counts() == after


def test_apply_keeps_network_record(kb_store: GraphStore) -> None:
    apply_review(kb_store, dump_review(_review(kb_store, "network.txt")), "r.yaml")
    net = kb_store.run(
        "MATCH (n:Network {id: 'example-alliance'}) RETURN n.name AS name, n.aliases AS aliases"
    ).records()[0]
    assert net == {"name": "Example Alliance of Universities", "aliases": ["Example Alliance"]}


def test_apply_is_all_or_nothing(kb_store: GraphStore) -> None:
    doc = _review(kb_store)
    doc["agreements"][-1]["parties"][0]["institution"] = "no-such-university"
    before = kb_store.counts()
    with pytest.raises(Exception, match="no-such-university"):
        apply_review(kb_store, dump_review(doc), "review.yaml")
    assert kb_store.counts() == before


def test_cli_yes_applies_at_once_and_apply_twice_changes_nothing(tmp_path: Path) -> None:
    uri = f"embedded://{tmp_path / 'kb-data'}"
    runner = CliRunner()
    assert (
        runner.invoke(app, ["load", "files", str(FIXTURES / "ingest-kb"), "--store", uri]).exit_code
        == 0
    )
    result = runner.invoke(
        app, ["ingest", str(ARTICLES / "partnership.html"), "--yes", "--store", uri]
    )
    assert result.exit_code == 0, result.output
    assert "Applied" in result.output
    review = tmp_path / "r.yaml"
    args = ["ingest", str(ARTICLES), "-o", str(review), "--store", uri]
    assert runner.invoke(app, args).exit_code == 0
    first = runner.invoke(app, ["ingest", "--apply", str(review), "--store", uri, "--json"])
    second = runner.invoke(app, ["ingest", "--apply", str(review), "--store", uri, "--json"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert yaml.safe_load(second.output)["stats"]["nodes_created"] == 0
    assert runner.invoke(app, args).exit_code == 1  # the review file exists: no overwrite


# -- evaluation -----------------------------------------------------------------------------
def test_eval_on_seed_articles() -> None:
    if not SEEDS.is_dir():
        if IN_CI:
            pytest.fail(f"the seed articles must be present under CI: {SEEDS}")
        pytest.skip(f"no seed articles at {SEEDS}")
    args = ["eval", "ingest", "--seeds", str(SEEDS), "--setting", "known", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    scores = {r["fact_type"]: r for r in json.loads(result.stdout)["known"]["scores"]}
    for fact_type in ("institutions", "agreements"):
        assert scores[fact_type]["precision"] >= 0.9, scores[fact_type]
        assert scores[fact_type]["recall"] >= 0.9, scores[fact_type]


def test_open_setting_matches_proposals_to_labels_by_name_only(tmp_path: Path) -> None:
    from kb.ingest import extract_articles
    from kb.ingest.openworld import GoldNames, open_predicted
    from kb.ingest.reading import read_article
    from kb.loaders.reference import ensure_reference
    from kb.resolve import Resolver
    from kb.store.embedded import EmbeddedStore

    article = tmp_path / "news.txt"
    article.write_text(
        "St. Petersburg State Polytechnical University signed a memorandum of understanding "
        "with Zhejiang University and Quuxville Institute of Technology.\n"
    )
    with EmbeddedStore(tmp_path / "kb-data") as store:
        ensure_reference(store)  # no institution is known: every name is new
        (ex,) = extract_articles(store, [read_article(article)])
        got = open_predicted(ex, Resolver(store), GoldNames())
    # Former names and plain names map to the labelled ids; a name no label has stays apart.
    assert got["institutions"] == {"spbpu", "zhejiang", "?quuxville-institute-of-technology"}
    # "A signed an MoU with B and C" is two agreements, as in the closed setting.
    assert got["agreements"] == {
        (frozenset({"spbpu", "zhejiang"}), "MoU"),
        (frozenset({"spbpu", "?quuxville-institute-of-technology"}), "MoU"),
    }


# -- names the store lacks (open world): every rule on invented names ------------------------
def _names(text: str, known: list | None = None) -> list[tuple[str, str]]:
    from kb.ingest.spans import find_spans

    return [(s.kind, s.name) for s in find_spans(text, known or [])]


def _institutions(text: str) -> list[str]:
    return [name for kind, name in _names(text) if kind == "institution"]


def _mention(text: str, name: str, key: str | None, candidates: tuple[str, ...] = ()):
    from kb.ingest.gazetteer import Mention

    start = text.index(name)
    return Mention("institution", key, name, start, start + len(name), candidates or (str(key),))


def test_unknown_names_joined_by_and_are_two_names() -> None:
    text = "Quuxville University and Borduria Institute of Technology signed an MoU."
    assert _institutions(text) == ["Quuxville University", "Borduria Institute of Technology"]
    # "and" inside the "of …" part of one name does not split it
    assert _institutions("Borduria University of Science and Technology signed.") == [
        "Borduria University of Science and Technology"
    ]
    assert _institutions("the Quuxville Institute of Mechanics and Optics said") == [
        "Quuxville Institute of Mechanics and Optics"
    ]
    # a name with no head word of its own before "and" is no name
    assert _institutions("Headline: QRX Lab and Borduria Mining University Forge Ahead") == [
        "Borduria Mining University"
    ]


def test_titles_people_and_possessives_are_not_part_of_names() -> None:
    text = "The MoU was signed by Ivan Petrov, Rector of Quuxville State University, today."
    assert _institutions(text) == ["Quuxville State University"]
    text = (
        "Chairman of the Borduria Branch of the Ruritanian Academy of Sciences Ivan Petrov "
        "signed it with Anna Novak, Director of the Quux Branch of the Borduria Academy of Arts."
    )
    assert _institutions(text) == [
        "Borduria Branch of the Ruritanian Academy of Sciences",
        "Quux Branch of the Borduria Academy of Arts",
    ]
    text = "Prof. Anna Novak of Borduria State University met Finland's Quuxville Mining University"
    assert _institutions(text) == ["Borduria State University", "Quuxville Mining University"]


def test_government_bodies_are_names_with_their_government() -> None:
    text = (
        "The Ministry of Culture, Govt. of Ruritania, and the Dept. of Sport, MoC, Government of "
        "Ruritania, thanked the Borduria Space Research Organisation and the Quux Research Council."
    )
    assert _institutions(text) == [
        "Ministry of Culture, Govt. of Ruritania",
        "Dept. of Sport, MoC, Government of Ruritania",
        "Borduria Space Research Organisation",
        "Quux Research Council",
    ]
    # without its government, "Department of …" is more often a university's department
    assert _institutions("the Department of Physics of Quux") == []


def test_non_english_heads_take_the_place_after_them() -> None:
    text = (
        "Partners: Technische Universität Quuxburg, Politecnico di Borduria and Universitat "
        "Politècnica de Quux."
    )
    assert _institutions(text) == [
        "Technische Universität Quuxburg",
        "Politecnico di Borduria",
        "Universitat Politècnica de Quux",
    ]
    # a generic English name takes the place after it
    assert _institutions("students of University College Quuxburg on Monday") == [
        "University College Quuxburg"
    ]


def test_a_unit_of_a_known_institution_and_a_list_closed_by_its_acronym() -> None:
    from kb.ingest.spans import find_spans

    text = "the Quux Automotive Research Institute of Zhejiang University (QARIZ) opened"
    (span,) = find_spans(text, [_mention(text, "Zhejiang University", "zhejiang")])
    assert span.name == "Quux Automotive Research Institute of Zhejiang University"
    text = "and the Quuxville University of Optics, Lasers and Photonics (QUOLP) signed"
    (span,) = find_spans(text, [])
    assert (span.name, span.acronym) == (
        "Quuxville University of Optics, Lasers and Photonics",
        "QUOLP",
    )


def test_a_name_that_fits_several_records_takes_its_place() -> None:
    text = "with City College Quuxburg, Borduria"
    ambiguous = _mention(text, "City College", None, ("city-1", "city-2"))
    assert _names(text, [ambiguous]) == [("institution", "City College Quuxburg")]
    text = "members of the Zhejiang University Association met"
    assert _names(text, [_mention(text, "Zhejiang University", "zhejiang")]) == [
        ("network", "Zhejiang University Association")
    ]


def test_networks_and_programmes_are_recognised() -> None:
    text = (
        "Quuxville University joined the Borduria University Network, the Quux Network "
        "University and the League of Ruritanian Universities."
    )
    assert _names(text)[1:] == [
        ("network", "Borduria University Network"),
        ("network", "Quux Network University"),
        ("network", "League of Ruritanian Universities"),
    ]
    for text, name in [
        ("held under the Study in Quuxland (SIQ) initiative by QEDC to", "Study in Quuxland"),
        ("was the QRX Co-op internship program, which", "QRX Co-op"),
        ("the winner of the Ruritanian Academic Excellence Project 7-200 from", None),
        (
            "won the DAQ programme “Quux Partnerships and Networks”.",
            "Quux Partnerships and Networks",
        ),
        ("Fellowship in Quuxland for Borduria (FQB), an initiative of", None),
    ]:
        kinds = dict((n, k) for k, n in _names(text))
        name = name or next(iter(kinds))
        assert kinds.get(name) == "network", (text, kinds)
    assert ("network", "Ruritanian Academic Excellence Project 7-200") in _names(
        "the winner of the Ruritanian Academic Excellence Project 7-200 from"
    )
    assert ("network", "Fellowship in Quuxland for Borduria") in _names(
        "Fellowship in Quuxland for Borduria (FQB), an initiative of the Quux Ministry"
    )
    # generic programme words name no programme
    assert _names("students of the Joint Master programme") == []


def test_acronyms_where_only_an_organisation_can_stand() -> None:
    assert _institutions("Space Technology (active collaborations with QSRO)") == ["QSRO"]
    assert _institutions("the Study in Quuxland initiative by QEDC to deliberate") == ["QEDC"]
    assert ("institution", "QAAD") in _names("won the QAAD programme “Quux Networks”.")
    # countries and two-letter acronyms are not organisations
    assert _institutions("signed an agreement with the USA and partnership with the EU") == []


def test_article_names_acronyms_short_forms_and_later_shorter_names(store: GraphStore) -> None:
    from kb.ingest import extract_articles
    from kb.loaders.reference import ensure_reference

    ensure_reference(store)  # no institution is known: every name is new
    text = (
        "QIT and BSU partner up\n\n"
        "The Quuxville Institute of Technology (QIT) signed a memorandum of understanding with "
        "Empress Anna Borduria State University. BSU students will visit QIT. "
        "Rector of Borduria State University Ivan Petrov said so.\n\n"
        "QIT is a member of the Quux Network University. "
        "The thrust areas of the Quux Network University are Computer Science and Water Resources. "
        "QNU members met at the National Academy of Quux Studies NAQS. NAQS hosted them."
    )
    (ex,) = extract_articles(store, [article_from_text(text, "quux.txt")])
    assert set(ex.new_names) == {
        "quuxville-institute-of-technology",
        "empress-anna-borduria-state-university",
        "national-academy-of-quux-studies-naqs",
    }
    assert set(ex.new_networks) == {"quux-network-university"}
    assert ex.new_networks["quux-network-university"].acronyms == ["QNU"]
    qit, bsu = "quuxville-institute-of-technology", "empress-anna-borduria-state-university"
    # "(QIT)" defines QIT; BSU spells the last words' initials; the shorter name is the same
    assert [(a.kind, sorted(a.parties)) for a in ex.agreements] == [("MoU", sorted([qit, bsu]))]
    assert all(not a.confident for a in ex.agreements)  # new names: for a reviewer
    # QNU spells the new network's initials; NAQS ends a name, so names it
    naqs, qnu = "national-academy-of-quux-studies-naqs", "quux-network-university"
    assert {(m.institution, m.network, m.confident) for m in ex.memberships} == {
        (qit, qnu, False),
        (naqs, qnu, False),
    }
    assert {f.code for f in ex.focuses} == {"0613", "0712"}
    assert all(not f.confident for f in ex.focuses)
    names = {i.name for i in ex.institutions}
    assert "National Academy of Quux Studies NAQS" in names and len(names) == 3


def test_one_party_and_plural_cue_is_no_agreement(kb_store: GraphStore, tmp_path: Path) -> None:
    from kb.ingest import extract_articles

    text = (
        "Zhejiang University has cooperation agreements all over the world.\n\n"
        "Zhejiang University runs two joint institutes in Quuxland.\n\n"
        "Zhejiang University Press published a book on Tsinghua University Rankings.\n"
    )
    (ex,) = extract_articles(kb_store, [article_from_text(text, "z.txt")])
    assert [(a.kind, a.parties) for a in ex.agreements] == [("joint institute", ["zhejiang"])]
    assert [i.key for i in ex.institutions] == ["zhejiang"]  # the press and the rankings are not


def test_new_networks_are_proposed_and_applied_when_accepted(store: GraphStore) -> None:
    from kb.ingest import extract_articles
    from kb.loaders.reference import ensure_reference

    ensure_reference(store)
    text = (
        "Quuxville University is a member of the Borduria University Network.\n\n"
        "The thrust areas of the Borduria University Network are Computer Science and "
        "Water Resources.\n"
    )
    doc = review_document(store, extract_articles(store, [article_from_text(text, "n.txt")]))
    (net,) = doc["networks"]
    assert (net["id"], net["kind"], net["accept"]) == (
        "borduria-university-network",
        "university network",
        False,
    )
    assert [m["accept"] for m in doc["memberships"] + doc["focus_areas"]] == [False] * 3
    (inst,) = doc["institutions"]
    # a focus area of a network not accepted cannot be written
    doc["focus_areas"][0]["accept"] = True
    with pytest.raises(Exception, match="accept it under `networks`"):
        apply_review(store, dump_review(doc), "r.yaml")
    for p in [inst, net, *doc["memberships"], *doc["focus_areas"]]:
        p["accept"] = True
    inst["country"] = "FI"
    report = apply_review(store, dump_review(doc), "r.yaml")
    assert report.written["networks"] == 1
    rows = store.run(
        "MATCH (i:Institution)-[:MEMBER_OF]->(n:Network)-[:FOCUSES_ON]->(d:Discipline) "
        "RETURN i.id AS i, n.name AS n, d.code AS c"
    ).records()
    assert {(r["i"], r["n"], r["c"]) for r in rows} == {
        ("quuxville-university", "Borduria University Network", "0613"),
        ("quuxville-university", "Borduria University Network", "0712"),
    }
    after = store.counts()
    apply_review(store, dump_review(doc), "r.yaml")
    assert store.counts() == after


def test_gazetteer_drops_generic_list_names_and_matches_short_forms_as_written(
    tmp_path: Path,
) -> None:
    from kb.ingest.gazetteer import build_gazetteer
    from kb.loaders.universities import load_universities
    from kb.resolve import Resolver
    from kb.store.embedded import EmbeddedStore

    names = ["Polytechnic University", "Quuxville Institute of Technology, Springfield"]
    entries = [
        {"name": n, "domains": [f"u{i}.example"], "web_pages": [], "alpha_two_code": "US"}
        for i, n in enumerate(names)
    ]
    (tmp_path / "list.json").write_text(json.dumps(entries), encoding="utf-8")
    with EmbeddedStore(tmp_path / "kb-data") as store:
        load_universities(store, tmp_path / "list.json")
        g = build_gazetteer(Resolver(store), ("institution", "network"))
    text = "The Polytechnic University of Quuxland met QIT Springfield, not qit springfield."
    (m,) = g.scan(text)
    assert (m.text, m.key) == ("QIT Springfield", "quuxville-institute-of-technology-springfield")
