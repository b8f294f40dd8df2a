"""Map build and open times: synthetic institution graphs of 100, 1,000 and 5,000 nodes.

    python bench/maps.py [--sizes 100,1000,5000] [--keep DIR]   # prints a markdown table, exits 0

Each graph is a Barabási–Albert graph (2 links per new node, seed fixed: a few hubs and many
institutions with one or two partners, as partnership networks are) whose nodes and edges carry
the attributes of `kb.analytics.projection.institution_graph`: names, types, countries, regions,
networks, and 1–3 agreements per edge with fields and sources. For each it measures, in Python,
the layout and the whole build (`kb.viz.render.institution_map`) and the size of the page; then,
in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), the time from
navigation start until vis-network has drawn the network for the first time (the page's
``kbMap.readyAt``, set on the first ``afterDrawing`` after the network exists, or after
stabilization when the browser still runs physics) and the time of one full redraw, which is
what each frame of a pan or zoom costs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from kb.viz.layout import force_layout
from kb.viz.render import LAYOUT_THRESHOLD, institution_map
from kb.viz.tooltips import Lookups

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
COUNTRIES = [
    ("IN", "India", "Asia"),
    ("RU", "Russian Federation", "Europe"),
    ("CN", "China", "Asia"),
    ("DE", "Germany", "Europe"),
    ("BR", "Brazil", "Americas"),
    ("ZA", "South Africa", "Africa"),
    ("US", "United States", "Americas"),
    ("FR", "France", "Europe"),
    ("IT", "Italy", "Europe"),
    ("GB", "United Kingdom", "Europe"),
    ("JP", "Japan", "Asia"),
    ("EG", "Egypt", "Africa"),
    ("AU", "Australia", "Oceania"),
    ("ES", "Spain", "Europe"),
    ("KZ", "Kazakhstan", "Asia"),
]
TYPES = ["university", "university", "university", "academy", "institute", "company"]
KINDS = ["MoU", "exchange", "strategic partnership", "joint programme"]
FIELDS = ["0724", "0722", "0532", "0688", "0716", "0521", "0715", "0711", "0613", "0311"]


def synthetic_graph(n: int, seed: int = 0) -> tuple[nx.Graph, Lookups]:
    """An institution graph of `n` nodes with the attributes of a projected one."""
    rng = random.Random(seed)
    g = nx.barabasi_albert_graph(n, 2, seed=seed)
    g = nx.relabel_nodes(g, {i: f"inst-{i}" for i in g.nodes})
    networks = [f"net-{i}" for i in range(12)]
    for node in g.nodes:
        code, name, region = rng.choice(COUNTRIES)
        g.nodes[node].update(
            kind="institution",
            name=f"University {node[5:]} of {name}",
            type=rng.choice(TYPES),
            website=f"https://{node}.example.org/",
            country=code,
            country_name=name,
            region=region,
            networks=sorted(rng.sample(networks, rng.choice([0, 0, 1, 1, 2]))),
        )
    sources = {
        f"src-{i}": {
            "id": f"src-{i}",
            "title": f"Press release {i}",
            "publisher": "Gazette",
            "url": f"https://news.example.org/{i}" if i % 3 else None,
        }
        for i in range(200)
    }
    count = 0
    for u, v, data in g.edges(data=True):
        agreements = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            count += 1
            agreements.append(
                {
                    "id": f"ag-{count}",
                    "title": f"Agreement {count} between {g.nodes[u]['name']} and "
                    f"{g.nodes[v]['name']}",
                    "kind": rng.choice(KINDS),
                    "status": "active",
                    "year": rng.randint(2005, 2025),
                    "fields": sorted(rng.sample(FIELDS, rng.choice([0, 1, 2]))),
                    "sources": sorted(rng.sample(sorted(sources), rng.choice([1, 1, 2]))),
                }
            )
        data.update(
            agreements=agreements,
            weight=len(agreements),
            fields=sorted({c for a in agreements for c in a["fields"]}),
        )
    lookups = Lookups(
        sources=sources,
        networks={k: f"Network {k[4:]}" for k in networks},
        fields={c: f"Field {c}" for c in FIELDS},
    )
    return g, lookups


def build(n: int, out: Path) -> dict[str, float]:
    g, lookups = synthetic_graph(n, seed=n)
    t = time.perf_counter()
    force_layout(g, seed=0)
    layout_s = time.perf_counter() - t
    t = time.perf_counter()
    html = institution_map(g, title=f"Synthetic map of {n} institutions", lookups=lookups)
    build_s = time.perf_counter() - t
    path = out / f"synthetic-{n}.html"
    path.write_text(html, encoding="utf-8")
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "layout_s": layout_s,
        "build_s": build_s,
        "bytes": len(html.encode()),
        "path": str(path),
    }


def open_times(path: str, runs: int = 3) -> tuple[float, float, int]:
    """Median time to the first drawing (s), median redraw (ms), errors seen on the page."""
    from playwright.sync_api import sync_playwright

    ready, redraw, errors = [], [], 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                seen: list[str] = []
                page.on("pageerror", lambda e, seen=seen: seen.append(str(e)))
                page.on(
                    "console",
                    lambda m, seen=seen: seen.append(m.text) if m.type == "error" else None,
                )
                page.goto(Path(path).as_uri(), wait_until="commit")
                page.wait_for_selector("html[data-ready=true]", state="attached", timeout=120_000)
                ready.append(page.evaluate("kbMap.readyAt") / 1000)
                redraw.append(
                    page.evaluate(
                        """() => new Promise(resolve => {
                            const t = performance.now();
                            network.once('afterDrawing', () => resolve(performance.now() - t));
                            network.redraw();
                        })"""
                    )
                )
                errors += len(seen)
                page.close()
        finally:
            browser.close()
    return statistics.median(ready), statistics.median(redraw), errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="Comma-separated node counts.")
    parser.add_argument("--keep", type=Path, help="Keep the pages in this folder.")
    parser.add_argument("--runs", type=int, default=3, help="Page loads per map (median).")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    out = args.keep or Path(tempfile.mkdtemp(prefix="kb-bench-maps-"))
    out.mkdir(parents=True, exist_ok=True)
    browser = Path(CHROMIUM).exists()
    print(
        f"Maps: synthetic Barabási–Albert graphs (m=2); physics off above {LAYOUT_THRESHOLD} nodes."
    )
    print()
    print(
        "| nodes | edges | layout (s) | build (s) | HTML (MB) | open to first draw (s) "
        "| redraw (ms) | page errors |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        r = build(n, out)
        if browser:
            ready, redraw, errors = open_times(r["path"], args.runs)
            opened = f"{ready:.2f} | {redraw:.0f} | {errors}"
        else:
            opened = "n/a | n/a | n/a"
        print(
            f"| {r['nodes']:,} | {r['edges']:,} | {r['layout_s']:.2f} | {r['build_s']:.2f} "
            f"| {r['bytes'] / 1e6:.2f} | {opened} |",
            flush=True,
        )
    if not browser:
        print(f"\n(no {CHROMIUM}: open times not measured; apt-get install chromium)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
