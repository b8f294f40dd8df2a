"""Tooltips as small HTML fragments, every value escaped here.

A map shows these as HTML (vis-network renders a title as HTML only when given an element, so
the page turns each fragment into one when the tooltip is first shown), which is why nothing
from the knowledge base may reach a fragment unescaped: names, titles and URLs all pass through
`html.escape`, and only http(s) URLs become links. The page adds nothing but fixed markup
around the fragments (a list of agreements, "Sources:").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlsplit

MAX_AGREEMENTS = 6  # listed per tooltip; the rest are counted
MAX_NAMES = 8


@dataclass(frozen=True)
class Lookups:
    """Names for the ids a graph carries, read from the store by the caller.

    sources
        source id → {"title", "url", "publisher"}.
    networks
        network id → name.
    fields
        ISCED-F code → name.
    """

    sources: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    networks: Mapping[str, str] = field(default_factory=dict)
    fields: Mapping[str, str] = field(default_factory=dict)


def safe_url(url: Any) -> str | None:
    """`url` if it is an absolute http(s) URL, else None (no javascript:, data: or relative).

    >>> safe_url("https://example.org/a?b=1"), safe_url("javascript:alert(1)"), safe_url(None)
    ('https://example.org/a?b=1', None, None)
    """
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def link(text: str, url: Any) -> str:
    """Escaped `text`, as a link that opens in a new tab when `url` is a safe URL.

    >>> link("<b>", "https://x.org/?a=1&b=2")
    '<a href="https://x.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">&lt;b&gt;</a>'
    """
    href = safe_url(url)
    if href is None:
        return escape(text)
    return f'<a href="{escape(href)}" target="_blank" rel="noopener noreferrer">{escape(text)}</a>'


class Tips:
    """Agreement and source fragments, each stored once and referred to by index.

    An agreement shows in the tooltips of both its parties and of the link between them; the
    page keeps one copy (``[fragment, [source indices]]``) and puts each tooltip together
    when it is first shown, which keeps large pages small.
    """

    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.agreements: list[list[Any]] = []
        self.sources: list[str] = []
        self._agreement_index: dict[str, int] = {}
        self._source_index: dict[str, int] = {}

    def refs(self, agreements: list[Mapping[str, Any]]) -> dict[str, Any]:
        """``{"ag": [indices], "more": n}`` for the first MAX_AGREEMENTS agreements."""
        out: dict[str, Any] = {"ag": [self._agreement(a) for a in agreements[:MAX_AGREEMENTS]]}
        if len(agreements) > MAX_AGREEMENTS:
            out["more"] = len(agreements) - MAX_AGREEMENTS
        return out if agreements else {}

    def _agreement(self, a: Mapping[str, Any]) -> int:
        key = a.get("id") or a.get("title") or ""
        if key not in self._agreement_index:
            self._agreement_index[key] = len(self.agreements)
            sources = [self._source(s) for s in a.get("sources") or []]
            self.agreements.append([agreement_fragment(a), sources])
        return self._agreement_index[key]

    def _source(self, source_id: str) -> int:
        if source_id not in self._source_index:
            self._source_index[source_id] = len(self.sources)
            self.sources.append(source_fragment(source_id, self.lookups))
        return self._source_index[source_id]


def institution_tip(
    attrs: Mapping[str, Any],
    agreements: list[Mapping[str, Any]],
    partners: int,
    score: tuple[str, float] | None,
    lookups: Lookups,
) -> str:
    """Name, type and country, networks, counts, score, fields and website of an institution
    (its agreements are listed by `Tips.refs`)."""
    name = attrs.get("name") or "?"
    lines = [f"<b>{escape(name)}</b>"]
    where = " · ".join(
        x
        for x in (attrs.get("type"), _country(attrs.get("country_name"), attrs.get("country")))
        if x
    )
    if where:
        lines.append(escape(where))
    nets = [lookups.networks.get(n, n) for n in attrs.get("networks") or []]
    if nets:
        lines.append("Networks: " + escape(_names(nets)))
    counts = f"{partners} partner{'s' * (partners != 1)}, {_agreements(len(agreements))}"
    if score:
        counts += f" · {score[0].replace('_', ' ')} {score[1]:.3g}"
    lines.append(escape(counts))
    fields = sorted({c for a in agreements for c in a.get("fields") or []})
    if fields:
        lines.append("Fields: " + escape(_fields(fields, lookups)))
    if safe_url(attrs.get("website")):
        lines.append(link("website", attrs.get("website")))
    return "<br>".join(lines)


def country_tip(
    attrs: Mapping[str, Any],
    abroad: int,
    partners: int,
    score: tuple[str, float] | None,
) -> str:
    """Name, region, institutions and agreement counts of one country."""
    lines = [f"<b>{escape(_country(attrs.get('name'), attrs.get('country')) or '?')}</b>"]
    if attrs.get("region"):
        lines.append(escape(attrs["region"]))
    members = attrs.get("institutions") or []
    lines.append(
        f"{len(members)} institution{'s' * (len(members) != 1)}: {escape(_names(members))}"
    )
    counts = (
        f"{_agreements(abroad)} with {partners} other countr{'ies' if partners != 1 else 'y'}, "
        f"{attrs.get('internal', 0)} within"
    )
    if score:
        counts += f" · {score[0].replace('_', ' ')} {score[1]:.3g}"
    lines.append(escape(counts))
    return "<br>".join(lines)


def edge_tip(a: str, b: str, agreements: list[Mapping[str, Any]], lookups: Lookups) -> str:
    """The two ends of a link, its number of agreements and their fields (the agreements
    themselves are listed by `Tips.refs`)."""
    head = f"<b>{escape(a)} — {escape(b)}</b><br>{escape(_agreements(len(agreements)))}"
    fields = sorted({c for x in agreements for c in x.get("fields") or []})
    if fields:
        head += "<br>Fields: " + escape(_fields(fields, lookups))
    return head


def agreement_fragment(a: Mapping[str, Any]) -> str:
    """Title, kind, status and year of an agreement (the page adds its sources)."""
    facts = ", ".join(str(x) for x in (a.get("kind"), a.get("status"), a.get("year")) if x)
    item = escape(a.get("title") or a.get("id") or "?")
    return item + (f" <i>({escape(facts)})</i>" if facts else "")


def source_fragment(source_id: str, lookups: Lookups) -> str:
    """A source's title and publisher, linked to its URL when it has a safe one."""
    s = lookups.sources.get(source_id) or {}
    title = s.get("title") or source_id
    if s.get("publisher"):
        title += f" ({s['publisher']})"
    return link(title, s.get("url"))


def _country(name: str | None, code: str | None) -> str | None:
    if name and code:
        return f"{name} ({code})"
    return name or code


def _names(names: Iterable[str]) -> str:
    items = list(names)
    shown = ", ".join(items[:MAX_NAMES])
    return shown + (f" and {len(items) - MAX_NAMES} more" if len(items) > MAX_NAMES else "")


def _fields(codes: list[str], lookups: Lookups) -> str:
    return _names(f"{c} {lookups.fields[c]}" if c in lookups.fields else c for c in codes)


def _agreements(n: int) -> str:
    return f"{n} agreement{'s' * (n != 1)}"
