"""Write rates of `GraphStore.write_batch` for agreement files, per phase.

    python bench/neo4j_write.py                              # Neo4j, one file of 100k agreements
    python bench/neo4j_write.py --store embedded:///tmp/x    # the embedded store, for comparison
    python bench/neo4j_write.py --files 10                   # 1M agreements as 10 files
    python bench/neo4j_write.py --agreements 20000 --batch-size 20000 --json

It builds synthetic GraphBatches shaped like the ones `loaders/kbfiles.py` makes for an
`agreements` file: Agreement nodes with every Agreement property, 2–3 PARTY_TO from
institutions, 1–5 COVERS to ISCED-F detailed fields, 1 REPORTED_IN to a source, and the
`replace` entries `_agreements` adds (PARTY_TO to, COVERS from, REPORTED_IN from). Institutions,
sources and the reference data (countries, ISCED-F) are written first, in a setup batch.

Each file is written once (first load), then the first file is written again `--reloads` times
(an idempotent reload: the counts must not change, and the script checks that they don't).
Phases are timed by wrapping the adapter's per-phase methods; `commit` is what remains of the
`write_batch` call (commit, session, retries). Rows are nodes or relationships written; for
`replace` they are the keys whose relationships are dropped.

The store: `--store neo4j` (the default) uses NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD, else starts
its own server with scripts/neo4j-local in a fresh KB_NEO4J_RUN_DIR (KB_NEO4J_HEAP, default 4g
here; KB_NEO4J_PAGECACHE, default 2g) and stops it at the end; a Neo4j store is cleared first.
With KB_NEO4J_RUN_DIR set, the CPU time of that server's JVM is reported too.
`--store embedded:///path` opens (and first empties) an embedded store. Prints a markdown table
(or JSON) and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kb.errors import KBError
from kb.loaders.reference import ensure_reference
from kb.model import AgreementKind, AgreementStatus
from kb.store import GraphBatch, GraphStore, open_store

ROOT = Path(__file__).resolve().parent.parent

# The methods that make up each phase of write_batch, per store: name -> phase. Each receives
# (label_or_type, items, ...), except replace: (type, side, keys, ...).
PHASE_METHODS = {
    "Neo4jStore": {"delete": "delete", "nodes": "nodes", "replace": "replace", "rels": "rels"},
    "EmbeddedStore": {
        "_delete_nodes": "delete",
        "_upsert_nodes": "nodes",
        "_drop_rels": "replace",
        "_upsert_rels": "rels",
    },
}


ACTIVITIES = [
    "student exchange",
    "faculty exchange",
    "joint research",
    "double degree",
    "summer school",
    "joint supervision",
]


# -- synthetic data ---------------------------------------------------------------------------
def institution_ids(n: int) -> list[str]:
    return [f"bench-inst-{i:06d}" for i in range(n)]


def setup_batch(n_institutions: int, n_sources: int, countries: list[str]) -> GraphBatch:
    rng = random.Random(7)
    b = GraphBatch()
    for i, key in enumerate(institution_ids(n_institutions)):
        b.add_node(
            "Institution",
            {
                "id": key,
                "name": f"Bench University {i}",
                "kind": "university",
                "aliases": [f"BU{i}"],
                "acronyms": [],
                "former_names": [],
                "domains": [f"bu{i}.example.edu"],
                "website": f"https://bu{i}.example.edu",
                "city": f"City {i % 997}",
                "founded_year": 1800 + i % 220,
                "origin": "kb",
                "sources": [],
                "list_names": [],
                "list_domains": [],
                "list_website": None,
            },
        )
        b.add_rel("LOCATED_IN", key, rng.choice(countries))
    for i in range(n_sources):
        b.add_node(
            "Source",
            {
                "id": f"bench-src-{i:05d}",
                "title": f"Bench news article {i}",
                "publisher": "Bench Press",
                "author": None,
                "url": f"https://news.example.org/{i}",
                "published_on": date(2020, 1, 1) + timedelta(days=i % 1500),
                "document": None,
            },
        )
    return b


def agreements_batch(
    file_no: int, n: int, institutions: list[str], sources: list[str], fields: list[str]
) -> GraphBatch:
    """What `_agreements` in loaders/kbfiles.py builds for a file of n agreements."""
    rng = random.Random(1000 + file_no)
    kinds = [k.value for k in AgreementKind]
    statuses = [s.value for s in AgreementStatus]
    b = GraphBatch()
    ids = []
    for i in range(n):
        key = f"bench-agr-{file_no:03d}-{i:07d}"
        ids.append(key)
        signed = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
        b.add_node(
            "Agreement",
            {
                "id": key,
                "kind": rng.choice(kinds),
                "title": f"Agreement {file_no}-{i} between partners on joint work",
                "signed_on": signed,
                "signed_year": signed.year,
                "valid_from": signed,
                "valid_from_year": signed.year,
                "valid_until": signed + timedelta(days=5 * 365) if i % 3 else None,
                "status": rng.choice(statuses),
                "activities": rng.sample(ACTIVITIES, rng.randint(1, 3)),
                "signatories": [f"Prof. A. Person {i}", f"Dr. B. Person {i}"],
                "notes": None if i % 4 else "renewed once",
                "evidence": f"... the two universities signed agreement {i} on {signed} ...",
            },
        )
        for j, party in enumerate(rng.sample(institutions, rng.choice((2, 2, 3)))):
            b.add_rel("PARTY_TO", party, key, role="coordinator" if j == 0 else None)
        for code in rng.sample(fields, rng.randint(1, 5)):
            b.add_rel("COVERS", key, code, label=f"field {code}")
        b.add_rel("REPORTED_IN", key, rng.choice(sources))
    b.replace += [("PARTY_TO", "to", ids), ("COVERS", "from", ids), ("REPORTED_IN", "from", ids)]
    return b


# -- timing -----------------------------------------------------------------------------------
class PhaseTimer:
    """Wraps a store's per-phase methods and adds up their wall time per phase name.

    On Neo4j they are methods of the BatchWriter class that write_batch uses (patched for the
    life of this process); on the embedded store, methods of the store itself."""

    def __init__(self, store: GraphStore) -> None:
        self.times: dict[str, float] = defaultdict(float)
        self.rows: dict[str, int] = defaultdict(int)
        kind = type(store).__name__
        owner: Any = store
        if kind == "Neo4jStore":
            from kb.store.neo4j.write import BatchWriter

            owner = BatchWriter
        for name, phase in PHASE_METHODS.get(kind, {}).items():
            fn = getattr(owner, name)
            setattr(owner, name, self._wrap(fn, phase, bound=owner is store))

    def _wrap(self, fn: Callable[..., Any], phase: str, *, bound: bool) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            rest = args if bound else args[1:]
            if phase == "replace":
                name, items = f"replace {rest[0]} ({rest[1]})", rest[2]
            else:
                name, items = f"{phase} {rest[0]}", rest[1]
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.times[name] += time.perf_counter() - t
                self.rows[name] += len(items)

        return timed

    def reset(self) -> None:
        self.times.clear()
        self.rows.clear()


class TxMemory:
    """Samples the largest estimated heap use of any other transaction (Neo4j only).

    SHOW TRANSACTIONS walks every lock a transaction holds, and a large write holds millions:
    sampling costs the writer time, so it is off unless --tx-memory asks for it."""

    def __init__(self, store: GraphStore, on: bool) -> None:
        self.store = store if on and type(store).__name__ == "Neo4jStore" else None
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> TxMemory:
        if self.store is not None:
            self.peak = 0
            self._stop.clear()
            self._thread = threading.Thread(target=self._poll, daemon=True)
            self._thread.start()
        return self

    def _poll(self) -> None:
        q = (
            "SHOW TRANSACTIONS YIELD currentQuery, estimatedUsedHeapMemory AS m "
            "WHERE NOT currentQuery STARTS WITH 'SHOW' RETURN max(m) AS m"
        )
        while not self._stop.wait(2.0):
            try:
                m = self.store.run(q).rows[0][0]  # type: ignore[union-attr]
            except KBError:
                continue
            self.peak = max(self.peak, m or 0)

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()


SERVER_PID: int | None = None  # the Neo4j JVM, when known: its CPU time is reported too


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of a process, from /proc (Linux); None if unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_write(
    store: GraphStore, timer: PhaseTimer, batch: GraphBatch, sample_memory: bool = False
) -> dict[str, Any]:
    timer.reset()
    error = None
    stats = None
    server_cpu = cpu_seconds(SERVER_PID)
    client_cpu = time.process_time()
    t = time.perf_counter()
    with TxMemory(store, sample_memory) as memory:
        try:
            stats = store.write_batch(batch)
        except KBError as exc:
            error = str(exc)
            print(f"write_batch failed: {exc}", file=sys.stderr)
    total = time.perf_counter() - t
    client_cpu = time.process_time() - client_cpu
    server_end = cpu_seconds(SERVER_PID)
    phases = [(name, timer.rows[name], secs) for name, secs in timer.times.items()]
    phases.append(("commit + overhead", 0, total - sum(timer.times.values())))
    return {
        "total_s": total,
        "rows": batch.size(),
        "phases": phases,
        "stats": vars(stats) if stats else None,
        "error": error,
        "tx_heap_peak_mb": memory.peak / 2**20 if memory.store is not None else None,
        "client_cpu_s": client_cpu,
        "server_cpu_s": server_end - server_cpu if server_cpu is not None and server_end else None,
    }


# -- stores -----------------------------------------------------------------------------------
@contextmanager
def neo4j_store(batch_size: int | None) -> Iterator[GraphStore]:
    from kb.store.neo4j import Neo4jStore

    global SERVER_PID
    run_dir = None
    env = dict(os.environ)
    script = ROOT / "scripts" / "neo4j-local"
    if env.get("NEO4J_URI") and env.get("KB_NEO4J_RUN_DIR"):
        # A server from scripts/neo4j-local: its pid file names the JVM.
        pid_file = Path(env["KB_NEO4J_RUN_DIR"]) / "neo4j.pid"
        SERVER_PID = int(pid_file.read_text()) if pid_file.exists() else None
    if not env.get("NEO4J_URI"):
        run_dir = tempfile.mkdtemp(prefix="kb-bench-neo4j-")
        env["KB_NEO4J_RUN_DIR"] = run_dir
        env.setdefault("KB_NEO4J_HEAP", "4g")  # a 100,000-agreement file needs 3g or more
        env.setdefault("KB_NEO4J_PAGECACHE", "2g")
        env.pop("NEO4J_PASSWORD", None)
        out = subprocess.run(
            [str(script), "start"], env=env, capture_output=True, text=True, check=True
        ).stdout
        for line in out.splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            env[key] = shlex.split(value)[0]
        SERVER_PID = int((Path(run_dir) / "neo4j.pid").read_text())
    kwargs = {"batch_size": batch_size} if batch_size else {}
    store = Neo4jStore(
        env["NEO4J_URI"], env.get("NEO4J_USER", "neo4j"), env["NEO4J_PASSWORD"], **kwargs
    )
    try:
        store.clear()
        yield store
    finally:
        store.close()
        if run_dir:
            subprocess.run([str(script), "stop"], env=env, capture_output=True)
            shutil.rmtree(run_dir, ignore_errors=True)


@contextmanager
def embedded_store(uri: str) -> Iterator[GraphStore]:
    path = Path(uri.removeprefix("embedded://"))
    if path.exists():
        shutil.rmtree(path)
    store = open_store(uri)
    try:
        yield store
    finally:
        store.close()


# -- report -----------------------------------------------------------------------------------
def rate(rows: int, secs: float) -> str:
    return f"{rows / secs:,.0f}" if rows and secs > 0 else ""


def table(runs: list[tuple[str, dict[str, Any]]]) -> str:
    names: list[str] = []
    for _, run in runs:
        for name, _, _ in run["phases"]:
            if name not in names:
                names.append(name)
    head = "| phase | " + " | ".join(f"{label} rows | s | rows/s" for label, _ in runs) + " |"
    out = [head, "| --- |" + " ---: | ---: | ---: |" * len(runs)]
    for name in names:
        cells = []
        for _, run in runs:
            found = {n: (r, s) for n, r, s in run["phases"]}
            r, s = found.get(name, (0, 0.0))
            cells.append(f"{r:,} | {s:.2f} | {rate(r, s)}")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    cells = [
        f"{r['rows']:,} | {r['total_s']:.2f} | {rate(r['rows'], r['total_s'])}" for _, r in runs
    ]
    out.append("| **write_batch** | " + " | ".join(cells) + " |")
    if any(r["server_cpu_s"] is not None for _, r in runs):
        cells = [f"{r['server_cpu_s'] or 0:.1f} s | |" for _, r in runs]
        out.append("| CPU: Neo4j server | " + " | ".join(cells) + " |")
    cells = [f"{r['client_cpu_s']:.1f} s | |" for _, r in runs]
    out.append("| CPU: this process | " + " | ".join(cells) + " |")
    if any(r["tx_heap_peak_mb"] for _, r in runs):
        cells = [f"{r['tx_heap_peak_mb'] or 0:,.0f} MiB | |" for _, r in runs]
        out.append("| peak transaction heap (sampled) | " + " | ".join(cells) + " |")
    for label, r in runs:
        if r["error"]:
            out.append(f"\n{label} FAILED: {r['error']}")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--store", default="neo4j", help="neo4j (default) or embedded:///path")
    ap.add_argument("--agreements", type=int, default=100_000, help="agreements per file")
    ap.add_argument("--files", type=int, default=1, help="files of distinct agreements")
    ap.add_argument("--reloads", type=int, default=1, help="times the first file is reloaded")
    ap.add_argument("--institutions", type=int, default=20_000)
    ap.add_argument("--sources", type=int, default=1_000)
    ap.add_argument("--batch-size", type=int, default=None, help="Neo4j rows per UNWIND")
    ap.add_argument(
        "--tx-memory",
        action="store_true",
        help="sample the transaction's heap use (slows Neo4j down: it walks the locks)",
    )
    ap.add_argument("--json", action="store_true", help="one JSON object instead of tables")
    args = ap.parse_args()

    if args.store == "neo4j":
        ctx = neo4j_store(args.batch_size)
    elif args.store.startswith("embedded://"):
        ctx = embedded_store(args.store)
    else:
        ap.error("--store is neo4j or embedded:///path")

    results: dict[str, Any] = {"store": args.store, "agreements_per_file": args.agreements}
    with ctx as store:
        timer = PhaseTimer(store)
        t = time.perf_counter()
        ensure_reference(store)
        countries = [r[0] for r in store.run("MATCH (c:Country) RETURN c.iso2").rows]
        fields = [
            r[0]
            for r in store.run("MATCH (d:Discipline) WHERE d.level = 'detailed' RETURN d.code").rows
        ]
        setup = setup_batch(args.institutions, args.sources, countries)
        results["setup"] = timed_write(store, timer, setup)
        results["setup"]["with_reference_s"] = time.perf_counter() - t
        institutions = institution_ids(args.institutions)
        sources = [f"bench-src-{i:05d}" for i in range(args.sources)]

        runs: list[tuple[str, dict[str, Any]]] = []
        first_counts: dict[str, int] = {}
        for f in range(args.files):
            t = time.perf_counter()
            batch = agreements_batch(f, args.agreements, institutions, sources, fields)
            build_s = time.perf_counter() - t
            run = timed_write(store, timer, batch, args.tx_memory)
            run["build_s"] = build_s
            runs.append((f"file {f + 1}" if args.files > 1 else "first load", run))
            if f == 0:
                first_counts = store.counts()
            print(
                f"file {f + 1}/{args.files}: {run['rows']:,} rows in {run['total_s']:.1f} s "
                f"({rate(run['rows'], run['total_s'])} rows/s)",
                file=sys.stderr,
            )
        final_counts = store.counts()
        for r in range(args.reloads):
            batch = agreements_batch(0, args.agreements, institutions, sources, fields)
            run = timed_write(store, timer, batch, args.tx_memory)
            runs.append((f"reload {r + 1}" if args.reloads > 1 else "reload", run))
            print(f"reload {r + 1}: {run['total_s']:.1f} s", file=sys.stderr)
            after = store.counts()
            if after != final_counts:
                diff = {
                    k: (final_counts[k], after[k]) for k in after if after[k] != final_counts[k]
                }
                print(f"reload changed the counts: {diff}", file=sys.stderr)
                results["reload_changed_counts"] = diff
        results["runs"] = [{"name": name, **run} for name, run in runs]
        results["counts_after_first_file"] = first_counts
        results["counts"] = final_counts

    if args.json:
        print(json.dumps(results, indent=2, default=str))
        return 0
    setup = results["setup"]
    print(
        f"store: {args.store}; setup (reference data, {args.institutions:,} institutions, "
        f"{args.sources:,} sources): {setup['with_reference_s']:.1f} s; "
        f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n"
    )
    if args.files > 1:
        total_rows = sum(r["rows"] for name, r in runs if name.startswith("file"))
        total_s = sum(r["total_s"] for name, r in runs if name.startswith("file"))
        print(
            f"{args.files} files of {args.agreements:,} agreements: {total_rows:,} rows in "
            f"{total_s:.1f} s ({rate(total_rows, total_s)} rows/s)\n"
        )
        print(
            "| file | rows | s | rows/s | Neo4j CPU s | client CPU s |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: |"
        )
        for name, r in runs:
            server = f"{r['server_cpu_s']:.1f}" if r["server_cpu_s"] is not None else ""
            print(
                f"| {name} | {r['rows']:,} | {r['total_s']:.1f} | "
                f"{rate(r['rows'], r['total_s'])} | {server} | {r['client_cpu_s']:.1f} |"
            )
        print()
        # The first file pays for a cold server (JIT, heap growth); the last shows it warm.
        shown = [runs[0], runs[args.files - 1], *runs[args.files :]]
    else:
        shown = runs
    print(table(shown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
