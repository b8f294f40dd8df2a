#!/usr/bin/env python3
"""kb at scale: synthetic knowledge bases of 10k–100k institutions and 100k–1M agreements.

For each size it writes a seeded synthetic knowledge base (`kb synth`), then on each store:

- load: `kb load files` of the JSON Lines files into a fresh store (rows/s, peak memory);
- queries: every named query, warm, over varied parameters (hubs and ordinary
  institutions): p50 / p95 latency;
- api: `kb serve` under concurrent clients on loopback (throughput, p50 / p95);
- analytics: bench/analytics.py on the store's institution graph: betweenness (sampled,
  and exact where feasible), PageRank and Louvain with NetworkX, igraph and NetworKit;
- maps: an ego, a network and a field map built from the store (seconds, HTML size, nodes).

Each phase runs in a child process, so its peak resident memory is its own; for Neo4j the
server's (JVM) peak is reported too. It prints markdown tables and exits 0: timings are
measurements, not pass/fail.

    .venv/bin/python bench/scale.py                                  # 10k / 100k, both stores
    .venv/bin/python bench/scale.py --sizes 100000:1000000 --stores embedded
    .venv/bin/python bench/scale.py --only load,queries --json

Neo4j comes from NEO4J_URI (with NEO4J_PASSWORD; the store is cleared first), else from a
server this script starts with scripts/neo4j-local (heap from KB_NEO4J_HEAP, default 4g here).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import random
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from api_load import percentile  # noqa: E402  (bench/ is on the path only from here)

GIVEN_NEO4J = bool(os.environ.get("NEO4J_URI"))  # else each size starts its own server
PHASES = ("load", "queries", "api", "analytics", "maps")
CHILD_PHASES = ("load", "queries", "maps")
QUERY_RUNS = 40


# -- phases (each runs in its own child process) -----------------------------------------------
def phase_load(uri: str, data: Path) -> dict[str, Any]:
    from kb.loaders.kbfiles import load_paths
    from kb.loaders.reference import ensure_reference
    from kb.store import open_store

    with open_store(uri) as store:
        store.init_schema()
        ensure_reference(store)
        began = time.perf_counter()
        reports = load_paths(store, [data])
        seconds = time.perf_counter() - began
        counts = store.counts()
    rows = sum(
        r.stats.nodes_created + r.stats.nodes_updated + r.stats.rels_written for r in reports
    )
    records = {}
    for r in reports:
        records[r.kind] = records.get(r.kind, 0) + r.records
    return {"seconds": seconds, "rows": rows, "records": records, "counts": counts}


def _samples(store: Any, rng: random.Random) -> dict[str, list[str]]:
    """Parameters for the query mix: hubs and ordinary institutions, networks, fields."""
    hubs = [
        r["id"]
        for r in store.run(
            "MATCH (i:Institution)-[:PARTY_TO]->(:Agreement) "
            "RETURN i.id AS id, count(*) AS n ORDER BY n DESC, id LIMIT 10"
        ).records()
    ]
    ids = [r["id"] for r in store.run("MATCH (i:Institution) RETURN i.id AS id").records()]
    ordinary = rng.sample(ids, min(60, len(ids)))
    networks = [r["id"] for r in store.run("MATCH (n:Network) RETURN n.id AS id").records()]
    fields = [
        r["code"]
        for r in store.run(
            "MATCH (d:Discipline) WHERE size(d.code) = 4 RETURN d.code AS code"
        ).records()
    ]
    return {"hubs": hubs, "ordinary": ordinary, "networks": sorted(networks), "fields": fields}


def _query_params(name: str, s: dict[str, list[str]], rng: random.Random, n: int) -> dict:
    # One request in five is about a hub: hubs are what users ask about most and cost most.
    def inst() -> str:
        return rng.choice(s["hubs"] if n % 5 == 0 else s["ordinary"])

    field = rng.choice(s["fields"])  # a detailed field: its own and its broad field's codes
    return {
        "partners-sharing-field": lambda: {"institution": inst(), "field": field},
        "shared-fields": lambda: {"a": inst(), "b": rng.choice(s["ordinary"])},
        "common-partners": lambda: {"a": inst(), "b": rng.choice(s["ordinary"])},
        "partners-by-country": lambda: {"institution": inst()},
        "network-members": lambda: {"network": rng.choice(s["networks"]), "field": field[:2]},
        "agreements": lambda: {"institution": inst(), "signed_after": "2020-01-01"},
        "expiring-agreements": lambda: {"within_days": 30, "as_of": "2026-06-01"},
        "connection-path": lambda: {"a": inst(), "b": rng.choice(s["ordinary"])},
    }[name]()


def phase_queries(uri: str) -> dict[str, Any]:
    from kb.queries.registry import registry
    from kb.queries.runner import run_named
    from kb.resolve import Resolver
    from kb.store import open_store

    rng = random.Random(7)
    out: dict[str, Any] = {}
    with open_store(uri) as store:
        s = _samples(store, rng)
        resolver = Resolver(store)
        for q in sorted(registry().names()):
            times, rows = [], []
            for n in range(3 + QUERY_RUNS):
                params = _query_params(q, s, rng, n)
                began = time.perf_counter()
                answer = run_named(store, q, params, resolver)
                elapsed = time.perf_counter() - began
                if n >= 3:  # the first runs warm caches and compile plans
                    times.append(elapsed)
                    rows.append(len(answer.result.rows))
            out[q] = {
                "p50_ms": 1000 * statistics.median(times),
                "p95_ms": 1000 * percentile(times, 95),
                "rows_median": statistics.median(rows),
            }
    return out


def analytics_run(uri: str, env: dict[str, str], budget: float) -> dict[str, Any]:
    """bench/analytics.py on the store's institution graph: every engine, same run."""
    cmd = [sys.executable, str(ROOT / "bench/analytics.py"), "--store", uri, "--json"]
    done = subprocess.run(
        [*cmd, "--budget", str(budget)], capture_output=True, env=env, check=False
    )
    if done.returncode != 0:
        return {"error": done.stderr.decode(errors="replace")[-2000:]}
    return json.loads(done.stdout)["graphs"][0]


def phase_maps(uri: str) -> dict[str, Any]:
    from kb.store import open_store
    from kb.viz.maps import ego_map, field_map, network_map

    out: dict[str, Any] = {}
    with open_store(uri) as store:
        s = _samples(store, random.Random(7))
        biggest = store.run(
            "MATCH (i:Institution)-[:MEMBER_OF]->(n:Network) "
            "RETURN n.id AS id, count(*) AS n ORDER BY n DESC, id LIMIT 1"
        ).records()[0]["id"]
        jobs = {
            "ego, depth 1, the largest hub": lambda: ego_map(store, s["hubs"][0], 1),
            "ego, depth 1, an ordinary institution": lambda: ego_map(store, s["ordinary"][0], 1),
            "network, the largest": lambda: network_map(store, biggest),
            "field 0724 (mining)": lambda: field_map(store, "0724"),
        }
        for name, job in jobs.items():
            began = time.perf_counter()
            m = job()
            out[name] = {
                "seconds": time.perf_counter() - began,
                "nodes": m.nodes,
                "edges": m.edges,
                "html_mb": len(m.html.encode()) / 1e6,
            }
    return out


# -- the orchestrator ----------------------------------------------------------------------
def run_child(phase: str, uri: str, env: dict[str, str], *extra: str) -> dict[str, Any]:
    """Run one phase in a child; its JSON answer plus its wall time and peak memory."""
    cmd = [sys.executable, __file__, "--phase", phase, "--uri", uri, *extra]
    began = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, check=False)
    wall = time.perf_counter() - began
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace")[-2000:]
        return {"error": f"phase {phase} failed ({proc.returncode}): {tail}", "wall_s": wall}
    answer = json.loads(proc.stdout)
    answer["wall_s"] = wall
    return answer


def api_run(uri: str, env: dict[str, str], clients: int, seconds: float) -> dict[str, Any]:
    import api_load  # bench/api_load.py

    rng = random.Random(11)
    from kb.store import open_store

    with open_store(uri) as store:
        s = _samples(store, rng)
    inst = s["hubs"][:3] + s["ordinary"][:20]
    mix = (
        api_load.Endpoint("GET /health", "GET", "/health"),
        api_load.Endpoint(
            "GET /institutions/{id}", "GET", "/institutions/{}", tuple({"path": i} for i in inst)
        ),
        api_load.Endpoint(
            "GET /institutions?q=",
            "GET",
            "/institutions",
            ({"params": {"q": "tech"}}, {"params": {"country": "IN", "limit": 20}}),
        ),
        api_load.Endpoint(
            "GET /queries/partners-by-country",
            "GET",
            "/queries/partners-by-country",
            tuple({"params": {"institution": i}} for i in inst),
        ),
        api_load.Endpoint(
            "GET /queries/shared-fields",
            "GET",
            "/queries/shared-fields",
            tuple({"params": {"a": a, "b": b}} for a, b in itertools.pairwise(inst)),
        ),
        api_load.Endpoint(
            "GET /networks/{id}",
            "GET",
            "/networks/{}",
            tuple({"path": n} for n in s["networks"][:5]),
        ),
    )
    port = api_load._free_port()
    base = f"http://{api_load.HOST}:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "serve.log"
        server = api_load.start_server(uri, port, env, log)
        try:
            api_load.wait_ready(server, base, log)
            bad = api_load.check_mix(base, mix)
            stats, elapsed = asyncio.run(
                api_load.drive(base, clients, seconds, 10_000_000, 60.0, mix)
            )
        finally:
            api_load.stop_server(server)
    rows = api_load.summarize(stats, elapsed)
    total = next(r for r in rows if r["endpoint"] == "total")
    return {"clients": clients, "seconds": seconds, "all": total, "rows": rows, "not_200": bad}


def start_neo4j(run_dir: Path, env: dict[str, str]) -> tuple[str, dict[str, str]]:
    env = {**env, "KB_NEO4J_RUN_DIR": str(run_dir)}
    env.setdefault("KB_NEO4J_HEAP", "4g")
    env.setdefault("KB_NEO4J_PAGECACHE", "2g")
    done = subprocess.run(
        [str(ROOT / "scripts/neo4j-local"), "start"], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        raise SystemExit(f"scripts/neo4j-local start failed:\n{done.stderr[-2000:]}")
    for line in done.stdout.splitlines():
        if line.startswith("export "):
            key, _, value = line.removeprefix("export ").partition("=")
            env[key] = shlex.split(value)[0] if value else ""
            os.environ[key] = env[key]  # this process opens the store too (the API mix)
    return env["NEO4J_URI"], env


def jvm_peak_mb(run_dir: Path) -> float | None:
    try:
        pid = (run_dir / "neo4j.pid").read_text().strip()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def bench_store(store: str, data: Path, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("KB_STORE", None)
    run_dir = None
    if store == "embedded":
        uri = f"embedded://{tmp / 'kb-data'}"
    elif GIVEN_NEO4J:
        uri = os.environ["NEO4J_URI"]
        from kb.store import open_store

        with open_store(uri) as s:
            s.clear()
    else:
        run_dir = tmp / "neo4j-run"
        uri, env = start_neo4j(run_dir, env)
    out: dict[str, Any] = {"store": store}
    try:
        for phase in args.only:
            _say(f"  {store}: {phase}…")
            try:
                out[phase] = _phase(phase, uri, env, data, args)
            except Exception as exc:  # reported in the tables; the other phases still run
                out[phase] = {"error": f"{type(exc).__name__}: {exc}"}
        if run_dir:
            out["server_peak_rss_mb"] = jvm_peak_mb(run_dir)
    finally:
        if run_dir:
            subprocess.run([str(ROOT / "scripts/neo4j-local"), "stop"], env=env, check=False)
            for key in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
                os.environ.pop(key, None)  # the next size starts a server of its own
    return out


def _phase(
    phase: str, uri: str, env: dict[str, str], data: Path, args: argparse.Namespace
) -> dict[str, Any]:
    if phase == "load":
        return run_child("load", uri, env, "--data", str(data))
    if phase == "api":
        return api_run(uri, env, args.api_clients, args.api_seconds)
    if phase == "analytics":
        return analytics_run(uri, env, args.exact_budget)
    return run_child(phase, uri, env)


def _count(n: int) -> str:
    """10000 -> '10k', 1000000 -> '1M', 300 -> '300'."""
    for unit, size in (("M", 1_000_000), ("k", 1000)):
        if n >= size and n % size == 0:
            return f"{n // size}{unit}"
    return f"{n:,}"


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- tables ------------------------------------------------------------------------------------
def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def markdown(results: list[dict[str, Any]]) -> str:
    lines = ["### Load (JSON Lines files, one transaction per file)", ""]
    lines += [
        "| size | store | synth (s) | load (s) | rows | rows/s | peak RSS loader (MB) "
        "| server peak (MB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for s in r["stores"]:
            ld = s.get("load", {})
            rate = ld["rows"] / ld["seconds"] if "rows" in ld else None
            lines.append(
                f"| {r['size']} | {s['store']} | {_f(r['synth_s'])} | {_f(ld.get('seconds'))} "
                f"| {_f(ld.get('rows'))} | {_f(rate, 0)} | {_f(ld.get('peak_rss_mb'), 0)} "
                f"| {_f(s.get('server_peak_rss_mb'), 0)} |"
            )
    lines += ["", "### Named queries, warm (p50 / p95 ms)", ""]
    heads = [f"{r['size']} {s['store']}" for r in results for s in r["stores"]]
    lines += ["| query | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    names = sorted(
        {
            q
            for r in results
            for s in r["stores"]
            for q, v in s.get("queries", {}).items()
            if isinstance(v, dict)
        }
    )
    for q in names:
        cells = []
        for r in results:
            for s in r["stores"]:
                v = s.get("queries", {}).get(q)
                cells.append(f"{v['p50_ms']:.1f} / {v['p95_ms']:.1f}" if v else "—")
        lines.append(f"| {q} | " + " | ".join(cells) + " |")
    lines += ["", "### API on loopback", ""]
    lines += [
        "| size | store | clients | req/s | p50 (ms) | p95 (ms) | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for s in r["stores"]:
            a = s.get("api")
            if a:
                t = a["all"]
                lines.append(
                    f"| {r['size']} | {s['store']} | {a['clients']} | {_f(t['rps'])} "
                    f"| {_f(t['p50_ms'])} | {_f(t['p95_ms'])} | {t['errors']} |"
                )
    lines += ["", "### Analytics on the institution graph (s)", ""]
    lines += [
        "| size | store | nodes | edges | projection | engine | convert | betweenness "
        "sampled (k) | exact | PageRank | Louvain | peak RSS (MB) |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for s in r["stores"]:
            a = s.get("analytics")
            if not a or "nodes" not in a:
                continue
            for e in a["engines"]:
                if "error" in e:
                    lines.append(
                        f"| {r['size']} | {s['store']} | | | | {e['engine']} | "
                        f"{e['error'][:60]} | | | | | |"
                    )
                    continue
                exact = e.get("betweenness_exact_s")
                exact_cell = (
                    _f(exact)
                    if exact is not None
                    else f"~{_f(e.get('betweenness_exact_estimate_s'), 0)} (est.)"
                )
                sampled = _f(e["betweenness_sampled_s"], 2) + f" ({e['betweenness_k']})"
                if e.get("betweenness_full_k_estimate_s"):
                    full = e["betweenness_full_k_estimate_s"]
                    sampled += f"; k={e['betweenness_k_asked']} ~{_f(full, 0)} (est.)"
                lines.append(
                    f"| {r['size']} | {s['store']} | {_f(a['nodes'])} | {_f(a['edges'])} "
                    f"| {_f(a['build_s'])} | {e['engine']} | {_f(e.get('convert_s'), 2)} "
                    f"| {sampled} | {exact_cell} "
                    f"| {_f(e['pagerank_s'], 2)} | {_f(e['louvain_s'], 2)} "
                    f"| {_f(e.get('peak_rss_mb'), 0)} |"
                )
    lines += ["", "### Maps built from the store", ""]
    lines += [
        "| size | store | map | nodes | edges | build (s) | HTML (MB) |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        for s in r["stores"]:
            for name, m in (s.get("maps") or {}).items():
                if isinstance(m, dict):
                    lines.append(
                        f"| {r['size']} | {s['store']} | {name} | {_f(m['nodes'])} "
                        f"| {_f(m['edges'])} | {_f(m['seconds'], 2)} | {_f(m['html_mb'], 2)} |"
                    )
    errors = [
        f"- {r['size']} {s['store']} {p}: {v['error']}"
        for r in results
        for s in r["stores"]
        for p, v in s.items()
        if isinstance(v, dict) and "error" in v
    ]
    return "\n".join(lines + (["", "### Errors", "", *errors] if errors else []))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10000:100000", help="INSTITUTIONS:AGREEMENTS,… ")
    p.add_argument("--stores", default="embedded,neo4j", help="embedded, neo4j or both")
    p.add_argument("--only", default=",".join(PHASES), help="phases: " + ", ".join(PHASES))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--api-clients", type=int, default=20)
    p.add_argument("--api-seconds", type=float, default=20.0)
    p.add_argument(
        "--analytics-budget",
        dest="exact_budget",
        type=float,
        default=300.0,
        help="seconds: no betweenness run whose estimate is longer (bench/analytics.py)",
    )
    p.add_argument("--json", action="store_true")
    # internal: one phase in a child process
    p.add_argument("--phase", choices=CHILD_PHASES, help=argparse.SUPPRESS)
    p.add_argument("--uri", help=argparse.SUPPRESS)
    p.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.only = [x for x in args.only.split(",") if x]
    args.stores = [x for x in args.stores.split(",") if x]
    args.sizes = [tuple(int(n) for n in s.split(":")) for s in args.sizes.split(",")]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.phase:
        fn = {
            "load": lambda: phase_load(args.uri, args.data),
            "queries": lambda: phase_queries(args.uri),
            "maps": lambda: phase_maps(args.uri),
        }[args.phase]
        answer = fn()
        # This child's own peak: each phase runs in a process of its own for that reason.
        answer["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(answer, default=str))
        return 0
    from kb.synth import Spec, generate

    results = []
    for institutions, agreements in args.sizes:
        size = f"{_count(institutions)} / {_count(agreements)}"
        with tempfile.TemporaryDirectory(prefix="kb-scale-") as name:
            tmp = Path(name)
            _say(f"{size}: synth…")
            report = generate(tmp / "data", Spec(institutions, agreements, seed=args.seed))
            r: dict[str, Any] = {"size": size, "synth_s": report.seconds, "stores": []}
            r["synth_rows"] = report.rows
            for store in args.stores:
                (tmp / store).mkdir()
                r["stores"].append(bench_store(store, tmp / "data", tmp / store, args))
            results.append(r)
    meta = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_at_end": round(os.getloadavg()[0], 1),
    }
    if args.json:
        print(json.dumps({**meta, "results": results}, default=str))
    else:
        print(
            f"kb at scale — {meta['cpus']} CPUs, Python {meta['python']}, "
            f"load average {meta['load_average_at_end']} at the end\n"
        )
        print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
