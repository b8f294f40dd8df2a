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
