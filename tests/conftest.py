"""Shared fixtures: every store-facing test runs on the embedded store and on a real Neo4j."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.store import GraphStore
from kb.store.embedded import EmbeddedStore
from tests.neo4j_server import Neo4jServer, NoNeo4j, neo4j_server

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
UNIVERSITIES = SHARED / "data" / "world-universities" / "world_universities_and_domains.json"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def neo4j() -> Iterator[Neo4jServer]:
    try:
        with neo4j_server() as server:
            yield server
    except NoNeo4j as exc:
        if IN_CI:
            pytest.fail(f"Neo4j tests must run under CI, but: {exc}")
        pytest.skip(f"no Neo4j to test against: {exc}")


def _neo4j_store(server: Neo4jServer) -> GraphStore:
    from kb.store.neo4j import Neo4jStore

    store = Neo4jStore(server.uri, server.user, server.password, batch_size=50)
    store.clear()
    return store


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind (Neo4j is cleared before each test)."""
    if request.param == "embedded":
        s: GraphStore = EmbeddedStore(tmp_path / "kb-data")
    else:
        s = _neo4j_store(request.getfixturevalue("neo4j"))
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="session")
def seeded_embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """One embedded store with the seed knowledge base, shared by read-only tests."""
    from kb.loaders.seed import load_seed

    s = EmbeddedStore(tmp_path_factory.mktemp("seeded") / "kb-data")
    load_seed(s)
    yield s
    s.close()


@pytest.fixture(scope="session")
def _seeded_neo4j_store(neo4j: Neo4jServer) -> Iterator[GraphStore]:
    s = _neo4j_store(neo4j)
    yield s
    s.close()


_seed_counts: dict[str, int] = {}


@pytest.fixture
def seeded_neo4j(_seeded_neo4j_store: GraphStore) -> GraphStore:
    """Neo4j Community has one database, which `store` tests clear: re-seed when changed."""
    from kb.loaders.seed import load_seed

    s = _seeded_neo4j_store
    if not _seed_counts or s.counts() != _seed_counts:
        s.clear()
        load_seed(s)
        _seed_counts.update(s.counts())
    return s


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def seeded(request: pytest.FixtureRequest) -> GraphStore:
    """The seed knowledge base on each store. Tests using it must not write."""
    return request.getfixturevalue(f"seeded_{request.param}")


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An embedded store URI holding the seed, loaded through the CLI; one per test module,
    since the CLI tests may write scores to it."""
    from typer.testing import CliRunner

    from kb.cli.main import app

    uri = f"embedded://{tmp_path_factory.mktemp('cli') / 'kb-data'}"
    result = CliRunner().invoke(app, ["load", "seed", "--store", uri])
    assert result.exit_code == 0, result.stderr
    return uri
