"""Load rates on each store: the seed knowledge base and the world-universities list.

    python bench/load.py [--list PATH] [--neo4j]      # prints a markdown table, exits 0

With --neo4j it also measures Neo4j, from NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD, or a
server it starts with scripts/neo4j-local. Timings are wall-clock seconds on this machine;
rows are nodes plus relationships written.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import tempfile
import time
from pathlib import Path

from kb.loaders.reference import ensure_reference
from kb.loaders.seed import load_seed
from kb.loaders.universities import load_universities
from kb.store import GraphStore
from kb.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LIST = ROOT.parent / "shared/data/world-universities/world_universities_and_domains.json"


def measure(store: GraphStore, universities: Path) -> list[tuple[str, int, float]]:
    out = []
    t = time.perf_counter()
    ensure_reference(store)
    out.append(
        ("countries + ISCED-F fields", sum(store.counts().values()), time.perf_counter() - t)
    )
    for label, run in [
        ("seed knowledge base", lambda: load_seed(store)),
        ("seed again (no change)", lambda: load_seed(store)),
    ]:
        t = time.perf_counter()
        reports = run()
        rows = sum(
            r.stats.nodes_created + r.stats.nodes_updated + r.stats.rels_written for r in reports
        )
        out.append((label, rows, time.perf_counter() - t))
    for label in ("world-universities list", "list again (all merged)"):
        t = time.perf_counter()
        r = load_universities(store, universities)
        rows = r.stats.nodes_created + r.stats.nodes_updated + r.stats.rels_written
        out.append((label, rows, time.perf_counter() - t))
    return out


def _neo4j() -> tuple[GraphStore, str | None]:
    from kb.store.neo4j import Neo4jStore

    run_dir = None
    if not os.environ.get("NEO4J_URI"):
        run_dir = tempfile.mkdtemp(prefix="kb-bench-neo4j-")
        env = {**os.environ, "KB_NEO4J_RUN_DIR": run_dir}
        lines = subprocess.run(
            [str(ROOT / "scripts/neo4j-local"), "start"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for line in lines.splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            os.environ[key] = shlex.split(value)[0]
    store = Neo4jStore(
        os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"]
    )
    store.clear()
    return store, run_dir


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--list", type=Path, default=DEFAULT_LIST, help="world-universities JSON")
    ap.add_argument("--neo4j", action="store_true", help="also measure Neo4j")
    args = ap.parse_args()
    results: dict[str, list[tuple[str, int, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "kb-data")
        results["embedded"] = measure(store, args.list)
        store.close()
    if args.neo4j:
        store, run_dir = _neo4j()
        try:
            results["neo4j"] = measure(store, args.list)
        finally:
            store.clear()
            store.close()
            if run_dir:
                subprocess.run(
                    [str(ROOT / "scripts/neo4j-local"), "stop"],
                    env={**os.environ, "KB_NEO4J_RUN_DIR": run_dir},
                    capture_output=True,
                )
    print("| store | step | rows written | seconds | rows/s |")
    print("|---|---|---:|---:|---:|")
    for name, rows in results.items():
        for step, n, secs in rows:
            print(f"| {name} | {step} | {n:,} | {secs:.2f} | {n / secs:,.0f} |")


if __name__ == "__main__":
    main()
