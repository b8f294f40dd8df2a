"""`kb synth`: valid, referentially whole, deterministic and realistically shaped data."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kb.cli.main import app
from kb.loaders.records import RECORDS
from kb.synth import Report, Spec, generate
from kb.synth.tables import HORIZON, PATTERNS
from kb.synth.world import tsv

runner = CliRunner()
KINDS = ["sources", "institutions", "networks", "memberships", "agreements"]


def read(out: Path) -> dict[str, list[dict[str, Any]]]:
    """Every record of every file, by the kind its name gives (stem up to '-' or '.')."""
    kb: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    for f in sorted(out.glob("*.jsonl")):
        kind = f.name.split(".")[0].split("-")[0]
        kb[kind] += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()]
    return kb


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, dict[str, list[Any]]]:
    out = tmp_path_factory.mktemp("synth") / "small"
    report = generate(out, Spec(institutions=200, agreements=1000, seed=1))
    return report, read(out)


@pytest.fixture(scope="module")
def larger(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    out = tmp_path_factory.mktemp("synth") / "larger"
    generate(out, Spec(institutions=3000, agreements=20_000, seed=2))
    return read(out)


def test_every_record_validates_as_its_kind(small):
    report, kb = small
    assert [f.path.name for f in report.files] == [f"{k}.jsonl" for k in KINDS]
    for kind, records in kb.items():
        for record in records:
            RECORDS[kind].model_validate(record)
    counts = {k: len(v) for k, v in kb.items()}
    assert counts["institutions"] == 200 and counts["agreements"] == 1000
    assert counts["networks"] == 5  # max(5, 200 // 500)
    assert 200 <= counts["sources"] <= 5000
    assert {f.kind: f.rows for f in report.files} == counts
    assert all(f.bytes == f.path.stat().st_size for f in report.files)


def test_every_reference_resolves(small):
    _, kb = small
    codes = {r[0] for r in tsv("isced-f-2013.tsv") if r[1] == "detailed"}
    sources = {s["id"] for s in kb["sources"]}
    institutions = {i["id"] for i in kb["institutions"]}
    networks = {n["id"] for n in kb["networks"]}
    for kind in ("sources", "institutions", "networks", "agreements"):
        ids = [r["id"] for r in kb[kind]]
        assert len(set(ids)) == len(ids), kind
    assert len({i["name"] for i in kb["institutions"]}) == len(institutions)
    assert len({n["name"] for n in kb["networks"]}) == len(networks)
    cited: list[str] = []
    for i in kb["institutions"]:
        cited += i["sources"] + [s for st in i["strengths"] for s in st["sources"]]
        assert {st["field"] for st in i["strengths"]} <= codes
        assert i.get("part_of", i["id"]) in institutions
    for n in kb["networks"]:
        cited += n["sources"] + [s for f in n["focuses_on"] for s in f["sources"]]
        assert {f["field"] for f in n["focuses_on"]} <= codes
        assert all(
            f.get("proposed_by", n["id"]) in institutions | {n["id"]} for f in n["focuses_on"]
        )
    for m in kb["memberships"]:
        cited += m["sources"]
        assert m["institution"] in institutions and m["network"] in networks
    for a in kb["agreements"]:
        cited += a["sources"]
        assert {p["institution"] for p in a["parties"]} <= institutions
        assert set(a["fields"]) <= codes
    assert set(cited) <= sources
    # Every hint in a name pattern is a real detailed code.
    assert {c for p in PATTERNS.values() for _, hint in p for c in hint.split()} <= codes


def test_same_seed_gives_the_same_bytes(tmp_path: Path):
    spec = Spec(institutions=300, agreements=2000, seed=7)
    generate(tmp_path / "a", spec)
    generate(tmp_path / "b", spec)
    generate(tmp_path / "c", Spec(institutions=300, agreements=2000, seed=8))
    for kind in KINDS:
        a = (tmp_path / "a" / f"{kind}.jsonl").read_bytes()
        assert a == (tmp_path / "b" / f"{kind}.jsonl").read_bytes(), kind
    assert a != (tmp_path / "c" / "agreements.jsonl").read_bytes()


def test_shards_split_the_same_agreements(tmp_path: Path):
    generate(tmp_path / "one", Spec(institutions=100, agreements=2500, seed=3))
    report = generate(tmp_path / "shards", Spec(100, 2500, seed=3, shard_size=1000))
    shards = [f for f in report.files if f.kind == "agreements"]
    assert [(f.path.name, f.rows) for f in shards] == [
        ("agreements-0001.jsonl", 1000),
        ("agreements-0002.jsonl", 1000),
        ("agreements-0003.jsonl", 500),
    ]
    assert not (tmp_path / "shards" / "agreements.jsonl").exists()
    joined = b"".join(f.path.read_bytes() for f in shards)
    assert joined == (tmp_path / "one" / "agreements.jsonl").read_bytes()


def test_partner_counts_are_heavy_tailed(larger):
    degree = Counter(p["institution"] for a in larger["agreements"] for p in a["parties"])
    counts = sorted((degree[i["id"]] for i in larger["institutions"]), reverse=True)
    top = len(counts) // 100
    assert sum(counts[:top]) / sum(counts) > 0.10  # the top 1% hold a large share
    assert counts[0] > 50 * counts[len(counts) // 2]  # the busiest dwarf the median
    assert counts[len(counts) // 2] <= 10  # most sign a handful


def test_agreements_have_realistic_shape(larger):
    agreements = larger["agreements"]
    parties = Counter(len(a["parties"]) for a in agreements)
    assert set(parties) <= {2, 3, 4, 5} and parties[2] > 0.8 * len(agreements)
    assert all(
        len({p["institution"] for p in a["parties"]}) == len(a["parties"]) for a in agreements
    )
    fields = Counter(len(a["fields"]) for a in agreements)
    assert set(fields) == {1, 2, 3, 4, 5}
    assert all(len(set(a["fields"])) == len(a["fields"]) for a in agreements)
    first = date(HORIZON.year - 29, 1, 1)
    signed = [date.fromisoformat(a["signed_on"]) for a in agreements if "signed_on" in a]
    assert first <= min(signed) and max(signed) <= HORIZON
    assert sum(d.year >= HORIZON.year - 9 for d in signed) > sum(
        d.year < first.year + 10 for d in signed
    )
    for a in agreements:
        if "valid_until" in a:
            until = date.fromisoformat(a["valid_until"])
            assert until > date.fromisoformat(a["signed_on"])
            assert a["status"] == ("expired" if until < HORIZON else "active")
        if "signed_on" not in a and "signed_year" not in a:
            assert a["status"] == "proposed"
    assert {a["status"] for a in agreements} == {"active", "expired", "proposed", "unknown"}
    assert any(
        date.fromisoformat(a["valid_until"]) > HORIZON for a in agreements if "valid_until" in a
    )
    assert len({a["kind"] for a in agreements}) == 9


def test_countries_networks_and_institutions_look_real(larger):
    countries = Counter(i["country"] for i in larger["institutions"])
    assert countries.most_common(1)[0][0] == "US"
    assert len(countries) > 60
    kinds = Counter(i["kind"] for i in larger["institutions"])
    assert kinds.most_common(1)[0][0] == "university" and len(kinds) == 4
    strengths = Counter(len(i["strengths"]) for i in larger["institutions"])
    assert set(strengths) == {0, 1, 2, 3}
    sizes = Counter(m["network"] for m in larger["memberships"])
    assert len(sizes) == len(larger["networks"]) == 6
    assert all(10 <= s <= 300 for s in sizes.values())
    assert all(1 <= len(n["focuses_on"]) <= 4 for n in larger["networks"])
    roles = Counter(m["role"] for m in larger["memberships"])
    assert roles.most_common(1)[0][0] == "member" and roles["coordinator"] == 6


def test_networks_of_a_tiny_world_hold_all_it_has(tmp_path: Path):
    generate(tmp_path, Spec(institutions=8, agreements=50, networks=3, seed=4))
    kb = read(tmp_path)
    sizes = Counter(m["network"] for m in kb["memberships"])
    assert sorted(sizes.values()) == [8, 8, 8]
    assert all(len({p["institution"] for p in a["parties"]}) >= 2 for a in kb["agreements"])


# -- the command ------------------------------------------------------------------------------
def test_cli_writes_and_summarises(tmp_path: Path):
    out = tmp_path / "kb"
    result = runner.invoke(app, ["synth", str(out), "-i", "50", "-a", "120", "--seed", "9"])
    assert result.exit_code == 0, result.stderr
    assert "agreements.jsonl" in result.stdout and "rows" in result.stdout
    assert f"kb load files {out}" in result.stdout
    result = runner.invoke(
        app, ["synth", str(out), "-i", "50", "-a", "120", "--shard-size", "50", "--force", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["rows"] == sum(f["rows"] for f in summary["files"])
    assert [f["file"] for f in summary["files"]][-3:] == [
        "agreements-0001.jsonl",
        "agreements-0002.jsonl",
        "agreements-0003.jsonl",
    ]
    assert not (out / "agreements.jsonl").exists()  # --force removed the earlier run's file


def test_cli_refuses_a_non_empty_folder_without_force(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["synth", str(tmp_path), "-i", "10", "-a", "10"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "not empty" in result.stderr
    assert "--force" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    result = runner.invoke(app, ["synth", str(tmp_path), "-i", "10", "-a", "10", "--force"])
    assert result.exit_code == 0
    assert (tmp_path / "notes.txt").read_text() == "mine"  # other files are left alone


def test_cli_rejects_agreements_without_two_institutions(tmp_path: Path):
    result = runner.invoke(app, ["synth", str(tmp_path / "x"), "-i", "1", "-a", "3"])
    assert result.exit_code == 1 and "at least 2 institutions" in result.stderr
    assert not (tmp_path / "x").exists()


def test_cli_help_names_every_option():
    result = runner.invoke(app, ["synth", "--help"])
    assert result.exit_code == 0
    for option in ("--institutions", "--agreements", "--networks", "--seed", "--shard-size"):
        assert option in result.stdout
    assert "--force" in result.stdout and "--json" in result.stdout
    assert "heavy-tailed" in result.stdout
