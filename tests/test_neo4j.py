"""Neo4j specifics: schema from `kb init`, and clear one-line errors when it is down or refuses."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from kb.cli.main import app
from kb.errors import StoreUnavailable
from kb.store import open_store

runner = CliRunner()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_neo4j_that_is_down_is_one_clear_line():
    uri = f"bolt://neo4j:secret@127.0.0.1:{_closed_port()}"
    result = runner.invoke(app, ["stats", "--store", uri])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "cannot reach Neo4j at bolt://127.0.0.1:" in lines[0]
    assert "secret" not in result.stderr  # the password is never echoed
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.neo4j
def test_a_wrong_password_is_one_clear_line(neo4j):
    parts = urlsplit(neo4j.uri)
    uri = f"{parts.scheme}://{neo4j.user}:not-the-password@{parts.hostname}:{parts.port}"
    result = runner.invoke(app, ["stats", "--store", uri])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "refused the credentials" in result.stderr
    assert f"{parts.hostname}:{parts.port}" in result.stderr
    assert "not-the-password" not in result.stderr


@pytest.mark.neo4j
def test_the_password_can_come_from_the_environment(neo4j, monkeypatch):
    from kb.settings import get_settings

    parts = urlsplit(neo4j.uri)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j.password)
    get_settings.cache_clear()
    try:
        store = open_store(f"neo4j://{neo4j.user}@{parts.hostname}:{parts.port}")
        assert store.run("RETURN 1 AS one").rows == [[1]]
        store.close()
    finally:
        get_settings.cache_clear()
    with pytest.raises(StoreUnavailable):
        open_store(f"neo4j://{neo4j.user}:wrong@{parts.hostname}:{parts.port}")


@pytest.mark.neo4j
def test_kb_init_creates_uniqueness_constraints_and_indexes(neo4j):
    from kb.schema import NODES

    parts = urlsplit(neo4j.uri)
    uri = f"{parts.scheme}://{neo4j.user}:{neo4j.password}@{parts.hostname}:{parts.port}"
    result = runner.invoke(app, ["init", "--store", uri, "--json"])
    assert result.exit_code == 0, result.stderr
    store = open_store(uri)
    constraints = store.run(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type "
        "RETURN labelsOrTypes, properties, type"
    ).rows
    store.close()
    unique = {(labels[0], props[0]) for labels, props, kind in constraints if kind == "UNIQUENESS"}
    assert unique == {(n.label, n.key) for n in NODES.values()}


@pytest.mark.neo4j
def test_expiring_agreements_seek_the_end_date_index(seeded_neo4j):
    # Without the range index Neo4j read every agreement: 650 ms at 1M agreements.
    from datetime import date

    from kb.queries.registry import registry

    text = registry().get("expiring-agreements").text_for("neo4j")
    params = {"as_of": date(2026, 6, 1), "within_days": 30, "offset": 0, "limit": 100}
    _, summary, _ = seeded_neo4j._driver.execute_query(
        "EXPLAIN " + text, params, database_=seeded_neo4j.database
    )
    assert "NodeIndexSeekByRange" in str(summary.plan)
