"""A load killed part-way leaves none of that file's data: all of it or nothing, never part."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kb.loaders.reference import ensure_reference
from kb.store import GraphStore
from kb.store.embedded import EmbeddedStore
from tests.conftest import UNIVERSITIES, _neo4j_store

LOAD = [sys.executable, "-m", "kb.cli.main", "load", "universities", str(UNIVERSITIES)]


def _kill_after(cmd: list[str], env: dict[str, str], seconds: float) -> int | None:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return None


def _institutions(store: GraphStore) -> int:
    return store.run("MATCH (i:Institution) RETURN count(i) AS n").rows[0][0]


@pytest.fixture(scope="module", autouse=True)
def _needs_the_list():
    if not UNIVERSITIES.exists():
        pytest.skip(f"the world-universities list is not at {UNIVERSITIES}")


@pytest.mark.parametrize("after", [0.9, 1.2, 1.5, 1.8])
def test_killing_an_embedded_load_leaves_all_or_nothing(tmp_path: Path, after: float):
    path = tmp_path / "kb-data"
    prepared = EmbeddedStore(path)
    ensure_reference(prepared)
    prepared.close()
    env = {**os.environ, "KB_STORE": f"embedded://{path}"}
    exit_code = _kill_after(LOAD, env, after)
    store = EmbeddedStore(path)  # reopening recovers from whatever the kill left
    n = _institutions(store)
    store.close()
    assert n in (0, 10225), f"a load killed after {after}s left {n} institutions"
    if exit_code == 0:
        assert n == 10225


@pytest.mark.neo4j
@pytest.mark.parametrize("after", [1.0, 3.0, 6.0])
def test_killing_a_neo4j_load_leaves_all_or_nothing(neo4j, after: float):
    store = _neo4j_store(neo4j)
    ensure_reference(store)
    parts = urlsplit(neo4j.uri)
    env = {
        **os.environ,
        "KB_STORE": f"{parts.scheme}://{neo4j.user}@{parts.hostname}:{parts.port}",
        "NEO4J_PASSWORD": neo4j.password,
        "KB_BATCH_SIZE": "200",  # many statements in the one transaction
    }
    exit_code = _kill_after(LOAD, env, after)
    time.sleep(0.5)  # the server notices the dropped connection and rolls back
    n = _institutions(store)
    store.clear()
    store.close()
    assert n in (0, 10225), f"a load killed after {after}s left {n} institutions"
    if exit_code == 0:
        assert n == 10225
