"""docker-compose.yml: Neo4j 5.26 with a volume and a healthcheck, and the API pointed at it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"


def _compose_command() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def test_docker_compose_accepts_the_file():
    command = _compose_command()
    if command is None:
        if IN_CI:
            pytest.fail("CI must have docker compose or docker-compose to check the file")
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    result = subprocess.run(
        [*command, "-f", str(COMPOSE), "config", "--services"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"neo4j", "api"}


def test_neo4j_service_is_the_lts_with_a_volume_and_a_healthcheck():
    spec = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    neo4j = spec["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert any(v.startswith("neo4j-data:") for v in neo4j["volumes"])
    assert "neo4j-data" in spec["volumes"]
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    api = spec["services"]["api"]
    assert api["environment"]["KB_STORE"].startswith("neo4j://")
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert '".[api,viz]"' in dockerfile  # the image can serve the API and its maps
    assert 'CMD ["kb", "serve", "--host", "0.0.0.0", "--port", "8000"]' in dockerfile
    assert api["ports"] == ["127.0.0.1:8000:8000"]
