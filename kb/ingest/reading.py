"""Reading articles: plain text or HTML to paragraphs of sentences, with source metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from kb.errors import InvalidInput
from kb.names import slugify

SUFFIXES = {".txt", ".text", ".md", ".html", ".htm"}
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_FORMS = [
    re.compile(r"\b(?P<y>\d{4})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?!\d)"),
    re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b", re.I),
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<y>\d{4})\b", re.I),
]
# A short line that only states when the page was published.
_DATE_LABEL = re.compile(
    r"^\s*(?:published(?: on)?|date(?: of publication)?|posted(?: on)?|дата публикации|"
    r"опубликовано)?\s*:?\s*",
    re.I,
)
_URL = re.compile(r"https?://[^\s<>\"')]+")
_BYLINE = re.compile(r"^(?:by\s+|authors?:\s*)?(?:(?:dr|prof|mr|ms|mrs)\.?\s+)?[A-Z][\w.'-]+", re.I)
# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {
    "prof", "dr", "mr", "mrs", "ms", "st", "govt", "dept", "no", "nos", "vs", "etc", "eg",
    "ie", "inc", "ltd", "co", "jr", "sr", "univ", "inst", "approx", "fig", "vol", "pp", "e.g",
    "i.e", "u.s", "u.k", "mt", "ft",
}  # fmt: skip
_SPLIT = re.compile(r"(?<=[.!?»”\"])\s+(?=[\"“«(\[]?[A-ZА-Я0-9])")
_CITATION = re.compile(r"(?<=[a-z)])\.\d{1,4}(?=\s|$)")  # "university.7968 The" in scraped text
_BULLET = re.compile(r"^\s*(?:[-*•·‣▪◦]|\d+[.)])\s+")


@dataclass
class Sentence:
    text: str
    paragraph: int
    index: int


@dataclass
class Article:
    """One article: its sentences by paragraph and what the text says about its source."""

    document: str
    title: str
    sentences: list[Sentence] = field(default_factory=list)
    author: str | None = None
    url: str | None = None
    published_on: date | None = None

    @property
    def source_id(self) -> str:
        base = self.title if not self.title.startswith("[untitled]") else Path(self.document).stem
        return slugify(base)[:60].rstrip("-") or "article"

    def paragraph(self, n: int) -> list[Sentence]:
        return [s for s in self.sentences if s.paragraph == n]


def parse_date(text: str) -> date | None:
    """The first full date written in `text` (ISO, 2025.07.17, February 17, 2026, 17 Feb 2026).

    >>> parse_date("Дата публикации: 2025.07.17")
    datetime.date(2025, 7, 17)
    >>> parse_date("on February 17, 2026, attended by") == date(2026, 2, 17)
    True
    >>> parse_date("in 2023") is None
    True
    """
    found: list[tuple[int, date]] = []
    for form in _DATE_FORMS:
        for m in form.finditer(text):
            g = m.groupdict()
            month = _MONTHS[g["mon"].lower()] if g.get("mon") else int(g["m"])
            try:
                found.append((m.start(), date(int(g["y"]), month, int(g["d"]))))
            except ValueError:
                continue
    return min(found)[1] if found else None


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph at sentence ends, keeping "Prof. X" and "St. Petersburg" whole."""
    text = _CITATION.sub(".", paragraph.strip())
    out: list[str] = []
    start = 0
    for m in _SPLIT.finditer(text):
        before = text[start : m.start()]
        last = re.search(r"([\w.]+)[.]$", before)
        word = last.group(1).lower() if last else ""
        if word in _ABBREV or (len(word) == 1 and word.isalpha()):
            continue  # "Prof. V K Tewari", "St. Petersburg"
        out.append(before.strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def read_article(path: Path) -> Article:
    """Read a plain-text or HTML article (by suffix, or by its first characters)."""
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    head = raw.lstrip()[:200].lower()
    if path.suffix.lower() in {".html", ".htm"} or head.startswith(("<!doctype html", "<html")):
        return article_from_html(raw, path.name)
    return article_from_text(raw, path.name)


def article_from_text(text: str, document: str) -> Article:
    """An article from plain text: paragraphs are blank-line separated blocks or lines."""
    paragraphs = _paragraphs(text)
    meta_lines, body = _front_matter(paragraphs)
    article = Article(document=document, title="")
    for line in meta_lines:
        _take_meta(article, line)
    for line in paragraphs:  # a publication date or URL line may also close the text
        if len(line) <= 80 and (_is_date_line(line) or _URL.fullmatch(line.strip())):
            _take_meta(article, line)
    article.title = article.title or f"[untitled] {document}"
    n = 0
    for para in body:
        if _is_date_line(para) or para.startswith(">>"):
            continue
        for i, s in enumerate(split_sentences(para)):
            article.sentences.append(Sentence(s, n, i))
        n += 1
    return article


def article_from_html(html: str, document: str) -> Article:
    """An article from HTML: text without scripts and styles; title, date and URL from meta."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    article = article_from_text(parser.text(), document)
    title = parser.meta.get("og:title") or parser.h1 or parser.title
    if title:
        article.title = " ".join(title.split())
    published = parser.meta.get("article:published_time") or parser.meta.get("date")
    if published and parse_date(published):
        article.published_on = parse_date(published)
    article.url = parser.meta.get("og:url") or parser.canonical or article.url
    article.author = parser.meta.get("author") or article.author
    return article


def _paragraphs(text: str) -> list[str]:
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        current = ""
        for ln in lines:
            joins = current and not _BULLET.match(ln) and not re.search(r"[.!?:»\"”)]$", current)
            if joins and len(current) > 60:  # a hard-wrapped line of prose
                current += " " + ln
            else:
                if current:
                    out.append(current)
                current = ln
        if current:
            out.append(current)
    return [_BULLET.sub("", p).lstrip("#").strip() for p in out]


def _front_matter(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Leading byline and title lines, and the body (which keeps the title as a sentence)."""
    meta: list[str] = []
    for p in paragraphs[:3]:
        if _is_byline(p) or _is_date_line(p) or _URL.fullmatch(p):
            meta.append(p)
            continue
        if len(p) <= 160 and not p.endswith("."):
            meta.append("title: " + p)
        break
    return meta, paragraphs


def _take_meta(article: Article, line: str) -> None:
    if line.startswith("title: "):
        article.title = article.title or line.removeprefix("title: ").strip()
    elif _is_date_line(line):
        article.published_on = article.published_on or parse_date(line)
    elif url := _URL.search(line):
        article.url = article.url or url.group(0)
    elif _is_byline(line):
        name = re.sub(r"^(?:by|authors?:)\s*", "", line, flags=re.I).strip()
        article.author = article.author or name


def _is_date_line(line: str) -> bool:
    if len(line) > 60 or parse_date(line) is None:
        return False
    rest = _DATE_LABEL.sub("", line, count=1)
    return parse_date(rest) is not None and len(rest) <= 30


def _is_byline(line: str) -> bool:
    words = line.split()
    titled = re.match(r"^(?:by\s|authors?:|dr\.?\s|prof\.?\s)", line, re.I)
    return bool(titled and _BYLINE.match(line) and len(words) <= 8 and not line.endswith("."))


class _TextParser(HTMLParser):
    _SKIP: ClassVar[set[str]] = {"script", "style", "noscript", "template", "svg", "iframe", "head"}
    _BLOCK: ClassVar[set[str]] = {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
        "section", "article", "blockquote", "header", "footer", "main", "aside", "figure",
        "figcaption", "pre", "hr", "dd", "dt",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self.h1 = ""
        self.canonical: str | None = None
        self._skip = 0
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"].strip())
        elif tag == "link" and "canonical" in a.get("rel", "").lower():
            self.canonical = a.get("href") or None
        if tag in {"meta", "link", "br", "hr", "img", "input"}:
            if tag in {"br", "hr"}:
                self.parts.append("\n")
            return
        if tag in self._SKIP and tag != "head":
            self._skip += 1
        self._in.append(tag)
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass
            if tag in self._SKIP and tag != "head":
                self._skip = max(0, self._skip - 1)
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if "title" in self._in:
            self.title += data
            return
        if self._skip or "head" in self._in:
            return
        if "h1" in self._in:
            self.h1 += data
        self.parts.append(data)

    def text(self) -> str:
        text = "".join(self.parts)
        blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text)]
        return "\n\n".join(b for b in blocks if b)
