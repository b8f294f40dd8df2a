"""Finding a real Neo4j for the tests, in the order the project promises:

1. NEO4J_URI (with NEO4J_USER / NEO4J_PASSWORD) if set;
2. testcontainers' Neo4j module if a Docker engine answers;
3. the local server from Maven Central artifacts (scripts/neo4j-local) if Java exists;
4. otherwise skip, saying why — except under CI, where a skip is a failure.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Neo4jServer:
    uri: str
    user: str
    password: str
    how: str


class NoNeo4j(Exception):
    pass


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


@contextmanager
def neo4j_server() -> Iterator[Neo4jServer]:
    if os.environ.get("NEO4J_URI"):
        yield Neo4jServer(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
            "NEO4J_URI",
        )
        return
    if _docker_answers():
        from testcontainers.neo4j import Neo4jContainer

        with Neo4jContainer("neo4j:5.26-community", password="kb-test-password") as c:
            yield Neo4jServer(c.get_connection_url(), "neo4j", "kb-test-password", "testcontainers")
        return
    if shutil.which("java"):  # scripts/neo4j-local fetches Maven itself when it is missing
        with _local_server() as server:
            yield server
        return
    raise NoNeo4j("no NEO4J_URI, no Docker engine, and no Java for scripts/neo4j-local")


@contextmanager
def _local_server() -> Iterator[Neo4jServer]:
    script = ROOT / "scripts" / "neo4j-local"
    run_dir = tempfile.mkdtemp(prefix="kb-neo4j-test-")
    env = {**os.environ, "KB_NEO4J_RUN_DIR": run_dir}
    env.pop("NEO4J_PASSWORD", None)
    started = subprocess.run(
        [str(script), "start"], env=env, capture_output=True, text=True, timeout=900
    )
    if started.returncode != 0:
        raise NoNeo4j(f"scripts/neo4j-local start failed:\n{started.stderr[-3000:]}")
    values = _exports(started.stdout)
    try:
        yield Neo4jServer(
            values["NEO4J_URI"],
            values.get("NEO4J_USER", "neo4j"),
            values["NEO4J_PASSWORD"],
            "scripts/neo4j-local",
        )
    finally:
        subprocess.run([str(script), "stop"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(run_dir, ignore_errors=True)


def _exports(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("export ") and "=" in line:
            key, _, value = line.removeprefix("export ").partition("=")
            values[key] = shlex.split(value)[0] if value else ""
    return values
