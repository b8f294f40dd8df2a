"""The HTML page around a map: one self-contained file, with vis-network inlined.

pyvis ships vis-network 9.1.2, which this page inlines. pyvis's own page template is not used:
even with ``cdn_resources="in_line"`` it loads Bootstrap from a CDN, it renders the heading
unescaped (its Jinja environment does not autoescape), and when any tooltip contains "href" it
switches to a popup that assigns the tooltip to ``innerHTML`` itself. Here every value reaches
the page either through Jinja's autoescaping or as JSON in which ``<``, ``>`` and ``&`` are
written as ``\\u003c``, ``\\u003e`` and ``\\u0026``, so no name can close the script element
that holds the data.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from kb.viz.style import Swatch

VIS_JS = "templates/lib/vis-9.1.2/vis-network.min.js"
_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@dataclass
class Legend:
    """What the legend block of a page says: the colour key and one line per other encoding."""

    color_title: str
    swatches: list[Swatch] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def script_json(value: Any) -> str:
    """Compact JSON that is safe inside a <script> element: no '<', '>' or '&' appear in it.

    >>> script_json({"name": "</script><b>&"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(_JSON_ESCAPES)


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    """vis-network's minified script from the pyvis package, made safe to inline."""
    return _inlinable((resources.files("pyvis") / VIS_JS).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def map_js() -> str:
    """The page's own script (templates/map.js): builds the network and its tooltips."""
    return _inlinable((Path(__file__).parent / "templates" / "map.js").read_text(encoding="utf-8"))


def content_security_policy(scripts: list[str]) -> str:
    """A policy that lets the page run only its own scripts and fetch nothing.

    Scripts are allowed by hash, so an inline event handler (``<img onerror=…>``) would not
    run even if some text escaped escaping; ``connect-src`` and ``img-src`` keep the page
    offline.
    """
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in scripts
    )
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def _inlinable(script: str) -> str:
    if "<!--" in script:  # would switch the HTML parser into the script's "escaped" state
        raise RuntimeError("a script that contains '<!--' cannot be inlined safely")
    return script.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page(title: str, subtitle: str, legend: Legend, data: dict[str, Any]) -> str:
    """The page around `data`: vis-network's ``nodes``, ``edges`` and ``options``, and
    ``physics`` (whether the browser still runs the simulation).

    Nodes and edges may carry ``tip``, an HTML fragment built by `kb.viz.tooltips`, and
    ``ag`` (with ``more``), indices into ``data["agreements"]`` (``[fragment, [indices into
    data["sources"]]]``); the page puts them together into the tooltip.
    """
    scripts = [vis_network_js(), map_js()]
    return (
        _environment()
        .get_template("map.html")
        .render(
            title=title,
            subtitle=subtitle,
            legend=legend,
            csp=content_security_policy(scripts),
            data=Markup(script_json(data)),
            vis_js=Markup(scripts[0]),
            map_js=Markup(scripts[1]),
        )
    )
