"""The `kb` command as a user meets it: output, JSON, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kb.cli.main import app
from kb.queries.registry import registry

runner = CliRunner()


def kb(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    uri = f"embedded://{tmp_path_factory.mktemp('cli') / 'kb-data'}"
    code, _out, err = kb("demo", "--store", uri)
    assert code == 0, err
    return uri


def test_demo_answers_three_questions_with_sources(tmp_path: Path):
    code, out, _ = kb("demo", "--store", f"embedded://{tmp_path / 'kb-data'}")
    assert code == 0
    assert "Loaded the seed knowledge base: 5 sources, 30 institutions" in out
    assert out.count("kb query ") >= 3
    assert "Empress Catherine II Saint Petersburg Mining University" in out
    assert "IIT Kharagpur-Russia MoU: New Era of Student Exchanges" in out
    assert "proposed areas  Water Resources" in out
    assert "source: Academic and Industrial Partnership" in out
    assert "Next, try:" in out


def test_demo_twice_is_idempotent_and_json_is_parseable(demo_store: str):
    code, out, _ = kb("demo", "--store", demo_store, "--json")
    assert code == 0
    data = json.loads(out)
    assert [q["query"] for q in data["questions"]] == [
        "partners-sharing-field",
        "network-members",
        "connection-path",
    ]
    assert data["questions"][0]["rows"][0]["partner_id"] == "spmu"
    assert all(r["stats"]["nodes_created"] == 0 for r in data["loaded"])


def test_query_prints_json_table_and_csv(demo_store: str):
    args = ("query", "partners-by-country", "-p", "institution=SPbPU", "--store", demo_store)
    code, out, _ = kb(*args, "--json")
    assert code == 0
    china = json.loads(out)[0]
    assert {k: china[k] for k in ("country", "partners", "agreements")} == {
        "country": "China",
        "partners": 6,
        "agreements": 5,
    }
    assert {"Tsinghua University", "Nanjing University"} <= set(china["institutions"])
    code, out, _ = kb(*args)
    assert code == 0 and "Partners by country" in out and "China" in out
    code, out, _ = kb(*args, "--csv")
    assert out.splitlines()[0] == "country,partners,agreements,institutions"


def test_query_with_an_unknown_institution_fails_with_suggestions(demo_store: str):
    code, out, err = kb(
        "query", "agreements", "-p", "institution=Tsinghua Univ", "--store", demo_store
    )
    assert code == 0  # "Univ" expands to University: a spelling the resolver understands
    code, out, err = kb("query", "agreements", "-p", "institution=Tsinghwa", "--store", demo_store)
    assert code == 1
    assert "no institution named 'Tsinghwa'" in err and "Tsinghua University" in err
    assert "Traceback" not in err + out


def test_cypher_reads_and_refuses_writes_by_default(demo_store: str):
    code, out, _ = kb(
        "cypher", "MATCH (n:Network) RETURN count(n) AS networks", "--json", "--store", demo_store
    )
    assert code == 0 and json.loads(out) == [{"networks": 7}]
    code, out, _ = kb(
        "cypher",
        "MATCH (i:Institution) WHERE i.id = $id RETURN i.name AS name",
        "-p",
        "id=spbpu",
        "--json",
        "--store",
        demo_store,
    )
    assert json.loads(out) == [{"name": "Peter the Great St. Petersburg Polytechnic University"}]
    code, out, err = kb("cypher", "CREATE (:Network {id: 'x', name: 'X'})", "--store", demo_store)
    assert code == 1 and "error:" in err
    code, out, _ = kb(
        "cypher", "MATCH (n:Network) RETURN count(n) AS n", "--json", "--store", demo_store
    )
    assert json.loads(out) == [{"n": 7}]


def test_cypher_row_cap_says_it_stopped(demo_store: str):
    code, out, err = kb(
        "cypher",
        "MATCH (c:Country) RETURN c.iso2 AS iso2",
        "--max-rows",
        "5",
        "--json",
        "--store",
        demo_store,
    )
    assert code == 0 and len(json.loads(out)) == 5
    code, out, err = kb(
        "cypher",
        "MATCH (c:Country) RETURN c.iso2 AS iso2",
        "--max-rows",
        "5",
        "--store",
        demo_store,
    )
    assert "row cap of 5" in err


def test_stats_counts_the_seed(demo_store: str):
    _code, out, _ = kb("stats", "--json", "--store", demo_store)
    counts = json.loads(out)["counts"]
    assert counts["Institution"] == 30 and counts["Agreement"] == 22 and counts["Country"] > 240


def test_load_files_reports_and_a_bad_file_exits_non_zero(tmp_path: Path, demo_store: str):
    good = tmp_path / "more.yaml"
    good.write_text(
        "institutions:\n  - id: test-u\n    name: Test University\n    country: FI\n",
        encoding="utf-8",
    )
    code, out, err = kb("load", "files", str(good), "--store", demo_store)
    assert code == 0, err
    assert "1 institutions (1 new" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "agreements:\n  - id: x\n    kind: MoU\n    title: X\n    parties:\n"
        "      - institution: Nowhere University\n",
        encoding="utf-8",
    )
    code, out, err = kb("load", "files", str(bad), "--store", demo_store)
    assert code == 1
    assert f"{bad}:6: field 'parties[0].institution'" in err
    assert "Traceback" not in err


def test_load_universities_merges_into_the_knowledge_base(tmp_path: Path, demo_store: str):
    path = tmp_path / "list.json"
    path.write_text(
        json.dumps(
            [
                {
                    "name": "Indian Institute of Technology, Kharagpur",
                    "alpha_two_code": "IN",
                    "domains": ["iitkgp.ac.in"],
                    "web_pages": ["http://www.iitkgp.ac.in/"],
                },
                {"name": "Example Polytechnic", "alpha_two_code": "FI", "domains": ["ex.fi"]},
            ]
        ),
        encoding="utf-8",
    )
    code, out, err = kb("load", "universities", str(path), "--json", "--store", demo_store)
    assert code == 0, err
    report = json.loads(out)
    assert (report["created"], report["merged"]) == (1, 1)


def test_an_unknown_store_uri_is_one_clear_line(tmp_path: Path):
    code, _out, err = kb("stats", "--store", "mongodb://localhost")
    assert code == 1
    assert "unknown store URI" in err and "Traceback" not in err


def _commands(group: typer.Typer, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [(*prefix, c.name or c.callback.__name__) for c in group.registered_commands]
    for sub in group.registered_groups:
        found += _commands(sub.typer_instance, (*prefix, sub.name))
    return found


@pytest.mark.parametrize("command", _commands(app), ids=" ".join)
def test_every_command_has_help(command: tuple[str, ...]):
    code, out, _ = kb(*command, "--help")
    assert code == 0
    assert "Usage:" in out
    assert len(out.split("Usage:")[1].strip().splitlines()) > 2


def test_every_named_query_is_described():
    for q in registry():
        assert q.title and len(q.description) > 30, q.name
        for p in q.params:
            assert p.help, f"{q.name}.{p.name} has no help text"
