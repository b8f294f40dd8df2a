#!/usr/bin/env python3
"""A bounded load run of the kb HTTP API over loopback (not a pass/fail test).

It starts `kb serve` on 127.0.0.1 on a free port in a child process, over either a temporary
embedded store that `kb demo` fills with the seed knowledge base, or a local Neo4j
(--store neo4j, the server from --neo4j-uri or NEO4J_URI, with NEO4J_USER / NEO4J_PASSWORD).
Then --clients concurrent clients (asyncio + httpx, one connection each) send a fixed mix of
read requests for --seconds seconds, and it prints, per endpoint, the requests, the errors
(anything but a 200), the throughput and the p50 / p95 latency. It stops the server at the end
and exits 0 once a run has completed, whatever the errors.

    .venv/bin/python bench/api_load.py                      # embedded, 50 clients, 30 s
    .venv/bin/python bench/api_load.py --clients 10 --seconds 5 --json
    eval "$(scripts/neo4j-local start)"; .venv/bin/python bench/api_load.py --store neo4j

Only 127.0.0.1 is ever sent a request, and a Neo4j URI must name a loopback host as well.
Clients, seconds and the request total are capped (see --max-requests).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

HOST = "127.0.0.1"
MAX_CLIENTS = 500
MAX_SECONDS = 600
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Endpoint:
    """One row of the report: a method and path, sent with each variant in turn."""

    name: str
    method: str
    path: str
    variants: tuple[dict[str, Any], ...] = ({},)  # httpx keyword arguments: params=, json=


# Real parameters from the seed knowledge base: every request below answers 200 on it.
MIX: tuple[Endpoint, ...] = (
    Endpoint("GET /health", "GET", "/health"),
    Endpoint(
        "GET /institutions?q=",
        "GET",
        "/institutions",
        (
            {"params": {"q": "tech"}},
            {"params": {"q": "university", "limit": 10}},
            {"params": {"country": "Russia"}},
            {"params": {"q": "institute", "kind": "university"}},
        ),
    ),
    Endpoint(
        "GET /institutions/{id}",
        "GET",
        "/institutions/{}",
        tuple({"path": i} for i in ("spbpu", "iit-kharagpur", "tsinghua", "leibniz-hannover")),
    ),
    Endpoint(
        "GET /networks/{id}",
        "GET",
        "/networks/{}",
        tuple({"path": i} for i in ("brics-nu", "wc2", "daad-spatn")),
    ),
    Endpoint(
        "GET /agreements?…",
        "GET",
        "/agreements",
        (
            {"params": {"institution": "SPbPU"}},
            {"params": {"institution": "IITKGP", "status": "active"}},
            {"params": {"signed_after": "2015-01-01"}},
        ),
    ),
    Endpoint(
        "GET /queries/partners-sharing-field",
        "GET",
        "/queries/partners-sharing-field",
        ({"params": {"institution": "IITKGP", "field": "Mining"}},),
    ),
    Endpoint(
        "GET /queries/network-members",
        "GET",
        "/queries/network-members",
        ({"params": {"network": "BRICS NU", "field": "Water Resources"}},),
    ),
    Endpoint(
        "GET /queries/connection-path",
        "GET",
        "/queries/connection-path",
        ({"params": {"a": "Leibniz Universität Hannover", "b": "Tsinghua University"}},),
    ),
    Endpoint(
        "GET /queries/shared-fields",
        "GET",
        "/queries/shared-fields",
        ({"params": {"a": "IITKGP", "b": "SPbPU"}},),
    ),
    Endpoint(
        "GET /queries/common-partners",
        "GET",
        "/queries/common-partners",
        ({"params": {"a": "leibniz-hannover", "b": "tu-berlin"}},),
    ),
    Endpoint(
        "POST /cypher",
        "POST",
        "/cypher",
        (
            {
                "json": {
                    "query": "MATCH (i:Institution)-[:LOCATED_IN]->(c:Country) "
                    "RETURN c.iso2 AS country, count(i) AS n ORDER BY n DESC, country"
                }
            },
            {
                "json": {
                    "query": "MATCH (i:Institution {id: $id})-[:PARTY_TO]->(a:Agreement) "
                    "RETURN a.id AS id, a.title AS title ORDER BY id",
                    "params": {"id": "spbpu"},
                }
            },
        ),
    ),
)


def _request_kwargs(ep: Endpoint, variant: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    kwargs = {k: v for k, v in variant.items() if k != "path"}
    path = ep.path.format(variant["path"]) if "path" in variant else ep.path
    return path, kwargs


# -- measuring -------------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)  # seconds, every completed request
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def add(self, seconds: float, error: str | None) -> None:
        self.latencies.append(seconds)
        if error is not None:
            self.errors += 1
            self.error_kinds[error] = self.error_kinds.get(error, 0) + 1


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile (p in 0..100) of `values`; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100), at least 1
    return ordered[int(rank) - 1]


@dataclass
class Budget:
    """The run's request cap, shared by the clients (one event loop: no lock needed)."""

    left: int

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


async def _client(
    n: int,
    base: str,
    deadline: float,
    budget: Budget,
    stats: dict[str, Stats],
    timeout: float,
    mix: Sequence[Endpoint],
) -> None:
    # Client n starts at a different point of the mix, so every endpoint is always in flight.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        k = n
        while time.monotonic() < deadline and budget.take():
            ep = mix[k % len(mix)]
            path, kwargs = _request_kwargs(ep, ep.variants[(k // len(mix)) % len(ep.variants)])
            k += 1
            error: str | None = None
            started = time.perf_counter()
            try:
                response = await client.request(ep.method, path, **kwargs)
                if response.status_code != 200:
                    error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            stats[ep.name].add(time.perf_counter() - started, error)


async def drive(
    base: str,
    clients: int,
    seconds: float,
    max_requests: int,
    timeout: float,
    mix: Sequence[Endpoint] = MIX,
) -> tuple[dict[str, Stats], float]:
    """Runs the clients; returns the stats per endpoint and the wall time they took."""
    stats = {ep.name: Stats() for ep in mix}
    budget = Budget(max_requests)
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(_client(n, base, deadline, budget, stats, timeout, mix) for n in range(clients))
    )
    return stats, time.monotonic() - started


def summarize(stats: dict[str, Stats], elapsed: float) -> list[dict[str, Any]]:
    rows = []
    every: list[float] = []
    for name, s in stats.items():
        every.extend(s.latencies)
        rows.append(_row(name, s.latencies, s.errors, elapsed))
    rows.append(_row("total", every, sum(s.errors for s in stats.values()), elapsed))
    return rows


def _row(name: str, latencies: list[float], errors: int, elapsed: float) -> dict[str, Any]:
    return {
        "endpoint": name,
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / elapsed, 1) if elapsed > 0 else 0.0,
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
    }


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| endpoint | requests | errors | req/s | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        name = f"**{r['endpoint']}**" if r["endpoint"] == "total" else f"`{r['endpoint']}`"
        lines.append(
            f"| {name} | {r['requests']} | {r['errors']} | {r['rps']:.1f} "
            f"| {r['p50_ms']:.1f} | {r['p95_ms']:.1f} |"
        )
    return "\n".join(lines)


# -- the server ------------------------------------------------------------------------------


def _kb_command() -> list[str]:
    """The `kb` of this interpreter's environment, else the CLI module run by it."""
    script = shutil.which("kb", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "kb.cli.main"]


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def prepare_store(args: argparse.Namespace, tmp: Path, env: dict[str, str]) -> tuple[str, str]:
    """Returns the store URI for `kb serve` and a description of it; loads the seed."""
    if args.store == "embedded":
        uri = f"embedded://{tmp / 'kb-data'}"
        what = "embedded (temporary, seed knowledge base)"
    else:
        uri = args.neo4j_uri or os.environ.get("NEO4J_URI", "")
        if not uri:
            raise SystemExit("--store neo4j needs --neo4j-uri or NEO4J_URI (and NEO4J_PASSWORD)")
        host = urlsplit(uri).hostname
        if not _is_loopback(host):
            raise SystemExit(f"refusing Neo4j at {host!r}: this benchmark only uses loopback")
        what = f"neo4j at {host}:{urlsplit(uri).port or 7687} (seed knowledge base)"
    if args.seed:
        log = tmp / "demo.log"
        with log.open("w") as out:
            done = subprocess.run(
                [*_kb_command(), "demo", "--store", uri],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                timeout=600,
                check=False,
            )
        if done.returncode != 0:
            raise SystemExit(f"`kb demo` failed ({done.returncode}):\n{_tail(log)}")
    return uri, what


def start_server(uri: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    cmd = [*_kb_command(), "serve", "--host", HOST, "--port", str(port), "--store", uri]
    with log.open("wb") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)


def wait_ready(server: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    with httpx.Client(base_url=base, timeout=5.0) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"`kb serve` exited with {server.returncode}:\n{_tail(log)}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get("/health").status_code == 200:
                    return
            time.sleep(0.2)
    raise SystemExit(f"`kb serve` did not answer /health in {READY_TIMEOUT_S:.0f} s:\n{_tail(log)}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGINT)  # uvicorn shuts down gracefully on SIGINT
    try:
        server.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(STOP_TIMEOUT_S)


def check_mix(base: str, mix: Sequence[Endpoint] = MIX) -> list[str]:
    """One request of every variant, one after the other: which do not answer 200."""
    bad = []
    with httpx.Client(base_url=base, timeout=30.0) as client:
        for ep in mix:
            for variant in ep.variants:
                path, kwargs = _request_kwargs(ep, variant)
                r = client.request(ep.method, path, **kwargs)
                if r.status_code != 200:
                    bad.append(f"{ep.method} {path} {kwargs}: HTTP {r.status_code} {r.text[:200]}")
    return bad


# -- main ------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--seconds", type=float, default=30.0, help="how long to send (default 30)")
    p.add_argument("--store", choices=["embedded", "neo4j"], default="embedded")
    p.add_argument("--neo4j-uri", default=None, help="Neo4j Bolt URI (default: NEO4J_URI)")
    p.add_argument(
        "--no-seed",
        dest="seed",
        action="store_false",
        help="do not run `kb demo` first (Neo4j only: the store must hold the seed already)",
    )
    p.add_argument(
        "--max-requests", type=int, default=1_000_000, help="cap on requests (default 1000000)"
    )
    p.add_argument("--timeout", type=float, default=30.0, help="per-request time limit, s")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = p.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS:
        p.error(f"--clients must be 1..{MAX_CLIENTS}")
    if not 0 < args.seconds <= MAX_SECONDS:
        p.error(f"--seconds must be in (0, {MAX_SECONDS}]")
    if args.max_requests < 1:
        p.error("--max-requests must be at least 1")
    if args.store == "embedded":
        args.seed = True  # a fresh temporary store is empty until `kb demo` fills it
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    env = dict(os.environ)
    env.pop("KB_STORE", None)  # the store is always given with --store
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as name:
        tmp = Path(name)
        uri, what = prepare_store(args, tmp, env)
        port = _free_port()
        base = f"http://{HOST}:{port}"
        log = tmp / "serve.log"
        server = start_server(uri, port, env, log)
        try:
            wait_ready(server, base, log)
            bad = check_mix(base)
            stats, elapsed = asyncio.run(
                drive(base, args.clients, args.seconds, args.max_requests, args.timeout)
            )
        finally:
            stop_server(server)
    rows = summarize(stats, elapsed)
    errors = {name: s.error_kinds for name, s in stats.items() if s.error_kinds}
    meta = {
        "store": what,
        "clients": args.clients,
        "seconds": args.seconds,
        "elapsed_s": round(elapsed, 2),
        "server": f"kb serve on {HOST} (one uvicorn process)",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps({**meta, "endpoints": rows, "errors": errors, "warmup_failures": bad}))
        return 0
    print(
        f"kb API load: {what}; {args.clients} clients for {args.seconds:g} s "
        f"({elapsed:.1f} s measured) against {meta['server']}; "
        f"{meta['cpus']} CPUs shared by server and clients; Python {meta['python']}\n"
    )
    print(markdown(rows))
    for line in bad:
        print(f"\nwarm-up: not a 200: {line}")
    for name, kinds in errors.items():
        print(f"\nerrors on {name}: " + ", ".join(f"{k} x{v}" for k, v in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
