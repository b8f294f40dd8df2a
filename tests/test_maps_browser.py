"""Maps in a real browser: headless Chromium (Debian's) driven by Playwright, loading each kind
of map from the real API served by uvicorn over each store.

Every page must draw its network with no console error, no page error and no request beyond
the API that served it; a knowledge base whose names are script must show them as text and
open no dialog. A screenshot of each map lands in test-artifacts/maps/.
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kb.api.main import create_app
from kb.loaders.kbfiles import load_paths
from kb.settings import Settings
from kb.store import GraphStore
from tests.conftest import FIXTURES, IN_CI

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
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "maps"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "Closing </script><script>alert(2)</script> University"

# Each kind of map of the seed knowledge base: (url, nodes, edges, a node to hover).
SEED_MAPS = {
    "ego": ("/maps/ego/IITKGP", 7, 6, "iit-kharagpur"),
    "ego-depth2": ("/maps/ego/SPbPU?depth=2&size_by=betweenness", 17, 19, "spbpu"),
    "network": ("/maps/network/daad-spatn?color_by=region", 3, 3, "spbpu"),
    "field": ("/maps/field/Engineering?color_by=type", 3, 2, "spmu"),
    "countries": ("/maps/countries", 9, 8, "RU"),
}


def _chromium() -> str:
    if shutil.which(CHROMIUM) is None:
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)"
        if IN_CI:
            pytest.fail(f"browser tests must run under CI, but: {message}")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # the test extra brings it
        if IN_CI:
            pytest.fail(f"browser tests must run under CI, but: {exc}")
        pytest.skip(f"no Playwright: {exc}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class _Server:
    """The real API (uvicorn, HTTP over loopback) in a thread; the store can be swapped."""

    def __init__(self) -> None:
        import uvicorn

        self.app = create_app(Settings(store="unused"), store=_NoStore())
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, log_level="warning", lifespan="on", timeout_keep_alive=1)
        )
        self.thread = threading.Thread(target=self.server.run, args=([self.sock],), daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            self.thread.join(0.05)
        raise RuntimeError("uvicorn did not start")

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()

    def serve(self, store: GraphStore) -> str:
        self.app.state.store = store
        return f"http://127.0.0.1:{self.port}"


class _NoStore:
    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    with _Server() as s:
        yield s


@dataclass
class Visit:
    """What a page did while it was open."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # requests beyond the serving API

    def evaluate(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def assert_clean(self) -> None:
        assert self.console_errors == [] and self.page_errors == []
        assert self.dialogs == [] and self.foreign == []


def open_map(browser: Any, base: str, url: str) -> Visit:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    visit = Visit(page)
    page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.page_errors.append(str(e)))

    def on_dialog(dialog: Any) -> None:
        visit.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def route(r: Any) -> None:
        if r.request.url.startswith(base + "/"):
            r.continue_()
        else:
            visit.foreign.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    response = page.goto(base + url)
    assert response is not None and response.status == 200
    page.wait_for_selector("html[data-ready=true]", state="attached", timeout=30_000)
    return visit


def hover(visit: Visit, node: str) -> str:
    """Move the mouse onto `node` and return the text of the tooltip that appears."""
    x, y = visit.evaluate(
        """(id) => {
            const p = network.canvasToDOM(network.getPositions([id])[id]);
            const r = document.getElementById("map").getBoundingClientRect();
            return [p.x + r.left, p.y + r.top];
        }""",
        node,
    )
    visit.page.mouse.move(x - 40, y - 40)
    visit.page.mouse.move(x, y, steps=4)
    tooltip = visit.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    return tooltip.inner_text()


def screenshot(visit: Visit, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    visit.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize("kind", list(SEED_MAPS))
def test_each_map_draws_offline_without_errors(
    browser: Any, server: _Server, seeded: GraphStore, kind: str
):
    url, nodes, edges, node = SEED_MAPS[kind]
    visit = open_map(browser, server.serve(seeded), url)
    try:
        counts = visit.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]")
        assert counts == [nodes, edges]
        assert visit.evaluate("Object.keys(network.getPositions()).length") == nodes
        assert visit.evaluate("document.querySelectorAll('#legend .swatch').length") >= 1
        name = visit.evaluate("(id) => network.body.data.nodes.get(id).label", node)
        assert name.split(" (")[0] in hover(visit, node)
        screenshot(visit, f"{seeded.dialect}-{kind}")
        visit.assert_clean()
    finally:
        visit.page.close()


def test_clicking_a_node_keeps_its_details_with_working_links(
    browser: Any, server: _Server, seeded: GraphStore
):
    visit = open_map(browser, server.serve(seeded), "/maps/ego/IITKGP")
    try:
        hover(visit, "iit-kharagpur")
        visit.page.mouse.down()
        visit.page.mouse.up()
        details = visit.page.wait_for_selector("#details", state="visible")
        text = details.inner_text()
        assert "Indian Institute of Technology Kharagpur" in text and "Sources:" in text
        links = visit.evaluate("[...document.querySelectorAll('#details a')].map(a => a.href)")
        assert links and all(link.startswith("https://") for link in links)
        visit.assert_clean()
    finally:
        visit.page.close()


@pytest.fixture
def hostile(store: GraphStore) -> GraphStore:
    load_paths(store, [FIXTURES / "hostile"])
    return store


@pytest.mark.parametrize(
    ("url", "node"),
    [
        ("/maps/ego/evil-img?depth=2", "evil-img"),
        ("/maps/ego/evil-script", "evil-script"),
        ("/maps/network/evil-net", "evil-img"),
        ("/maps/field/0724", "evil-script"),
    ],
)
def test_names_that_are_script_show_as_text_and_run_nothing(
    browser: Any, server: _Server, hostile: GraphStore, url: str, node: str
):
    visit = open_map(browser, server.serve(hostile), url)
    try:
        labels = visit.evaluate("network.body.data.nodes.get().map(n => n.label)")
        assert IMG in labels or SCRIPT in labels
        expected = {"evil-img": IMG, "evil-script": SCRIPT}[node]
        assert visit.evaluate("(id) => network.body.data.nodes.get(id).label", node) == expected
        tip = hover(visit, node)
        assert expected in tip  # the name, as text, in the tooltip
        assert "<iframe src=javascript:alert(7)></iframe> MoU" in tip
        assert "<script>alert('source')</script> report" in tip
        visit.page.mouse.down()
        visit.page.mouse.up()
        assert expected in visit.page.wait_for_selector("#details", state="visible").inner_text()
        injected = visit.evaluate(
            "document.querySelectorAll('img, iframe, svg, object, embed, #details script').length"
        )
        assert injected == 0
        hrefs = visit.evaluate(
            "[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))"
        )
        assert all(h.startswith("https://") for h in hrefs)  # no javascript: link survived
        if url.startswith("/maps/ego/evil-img"):
            assert visit.page.title().startswith(IMG)  # the page title, as text
        visit.page.wait_for_timeout(300)  # give an onerror or onload time to fire, if any could
        screenshot(visit, f"{hostile.dialect}-hostile-{url.split('/')[2]}-{node}")
        visit.assert_clean()
    finally:
        visit.page.close()
