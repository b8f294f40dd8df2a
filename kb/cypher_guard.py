"""Refuse writing Cypher before it reaches a store: layer 1 of read-only ad-hoc queries.

Analysts send their own Cypher to ``POST /cypher``; it must never change either store.
Three layers share that job, and none relies on the others:

1. this lexical guard refuses anything that could write, with a message naming the reason;
2. the store runs what passes in a read-only transaction (``store.run(..., read_only=True)``:
   ``BEGIN TRANSACTION READ ONLY`` on LadybugDB, ``session.execute_read`` on Neo4j);
3. the database enforces a time limit and a row cap.

The guard splits the text the way both stores' lexers do: ``//`` and ``/* */`` comments,
``'...'``/``"..."`` strings (backslash escapes; a doubled quote ends up inside the literal
either way) and backtick-quoted names are set aside, so words inside them don't count.
Every remaining word is then checked, case-insensitively and after NFKC folding, except where
it can only be a name: after ``.`` (a property), ``$`` (a parameter), ``:`` (a label,
relationship type or map value), or before ``:`` in a map (a key). A query must start
with a read clause (MATCH, RETURN, ...) and may CALL only allow-listed procedures.

A comment separates tokens, as in both stores, so ``CRE/**/ATE`` is the two names ``CRE``
and ``ATE``; but words glued together by comments are also checked joined, so it is refused
anyway, in case anything on the way strips comments textually. When unsure the guard refuses:
a false refusal costs a rewrite (quote the name in backticks), a false pass still meets
layer 2.

>>> check_read_only("MATCH (u:University) RETURN u.name LIMIT 5;")
'MATCH (u:University) RETURN u.name LIMIT 5'
>>> check_read_only("MATCH (n) /* tidy up */ DETACH DELETE n")
Traceback (most recent call last):
    ...
kb.cypher_guard.WriteRefused: ad-hoc Cypher is read-only: DETACH is not allowed
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise
from typing import NamedTuple

from kb.errors import InvalidInput

__all__ = ["READ_ONLY_PROCEDURES", "WriteRefused", "check_read_only"]

# fmt: off
#: Procedures a query may CALL (compared case-insensitively): Neo4j schema introspection and
#: LadybugDB's catalogue functions.
READ_ONLY_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
    "db.schema.nodeTypeProperties", "db.schema.relTypeProperties", "dbms.components",
    "show_tables", "table_info", "show_connection", "current_setting", "db_version",
})
# Clauses and commands that write, change the session or administer the server (both stores).
_REFUSED = frozenset({
    "CREATE", "MERGE", "SET", "REMOVE", "DELETE", "DETACH", "NODETACH", "INSERT", "FOREACH",
    "DROP", "ALTER", "RENAME", "LOAD", "COPY", "IMPORT", "EXPORT", "INSTALL", "UNINSTALL",
    "UPDATE", "ATTACH", "USE", "CHECKPOINT", "ANALYZE", "COMMENT", "BEGIN", "COMMIT",
    "ROLLBACK", "GRANT", "DENY", "REVOKE", "TERMINATE", "ENABLE", "DEALLOCATE", "REALLOCATE",
})
# Words a read query may start with, after any EXPLAIN or PROFILE.
_STARTS = frozenset({"MATCH", "OPTIONAL", "RETURN", "WITH", "UNWIND", "CALL", "SHOW", "CYPHER"})
# fmt: on
_ALLOWED_CALLS = frozenset(name.lower() for name in READ_ONLY_PROCEDURES)
_GLUED = _REFUSED | {"CALL", "START", "STOP"}
_PREFIXES = frozenset({"EXPLAIN", "PROFILE"})
# START/STOP DATABASE are admin commands, but `start` is a common variable name.
_ADMIN_OBJECTS = frozenset({"DATABASE", "DATABASES", "SERVER", "SERVERS"})
# APOC namespaces whose functions run Cypher given as a string, which the guard cannot see.
_APOC_RUNNERS = frozenset({"cypher", "periodic", "do", "trigger"})

_PREFIX = "ad-hoc Cypher is read-only: "
_LEXER = re.compile(
    r"""(?P<space>\s+)
    | (?P<comment>//[^\r\n]*|/\*.*?\*/)
    | (?P<str>'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")
    | (?P<name>`(?:[^`]|``)*`)
    | (?P<word>[^\W\d]\w*)
    | (?P<num>\d+)
    | (?P<open>/\*|['"`])
    | (?P<punct>.)""",
    re.VERBOSE | re.DOTALL,
)
_ONLY_COMMENTS = re.compile(r"(?:/\*.*?\*/)+", re.DOTALL)


class WriteRefused(InvalidInput):
    """Ad-hoc Cypher that could write (or that the guard cannot vouch for) was refused."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(_PREFIX + reason)


class _Tok(NamedTuple):
    kind: str  # word, name (backtick-quoted, quotes kept), str, num, punct
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _LEXER.finditer(text):
        kind, value = m.lastgroup or "punct", m.group()
        if kind == "open":
            raise WriteRefused("unterminated " + ("comment" if value == "/*" else "quote"))
        if kind not in ("space", "comment"):
            toks.append(_Tok(kind, value, m.start(), m.end()))
    return toks


def _key(word: str) -> str:
    return unicodedata.normalize("NFKC", word).upper()


def _is_name(toks: list[_Tok], i: int) -> bool:
    """True if the word at ``i`` can only be a property, parameter, label or map key."""
    prev = toks[i - 1].text if i > 0 else ""
    after = toks[i + 1].text if i + 1 < len(toks) else ""
    if prev in ("$", ":"):
        return True
    if prev == "." and i >= 2:  # n.set, n {.set}; not 1.set nor [*1..set]
        before = toks[i - 2]
        return before.kind in ("word", "name") or before.text in (")", "]", "}", "{", ",")
    return after == ":" and prev in ("{", ",")


def _dotted(toks: list[_Tok], i: int) -> tuple[str, int]:
    """The dotted name starting at ``i`` (``apoc.create.node``) and the index after it."""
    parts: list[str] = []
    while i < len(toks) and toks[i].kind in ("word", "name"):
        tok = toks[i]
        parts.append(tok.text[1:-1].replace("``", "`") if tok.kind == "name" else tok.text)
        i += 1
        if i >= len(toks) or toks[i].text != ".":
            break
        i += 1
    return ".".join(parts), i


def _check_call(toks: list[_Tok], i: int) -> None:
    if i + 1 < len(toks) and toks[i + 1].text in ("{", "("):
        return  # CALL { ... } or CALL (x) { ... }: a subquery, its words are checked too
    name, j = _dotted(toks, i + 1)
    follows = toks[j] if j < len(toks) else None
    ok_follow = follows is None or follows.text == "(" or _key(follows.text) == "YIELD"
    if name.lower() not in _ALLOWED_CALLS or not ok_follow:
        allowed = ", ".join(sorted(READ_ONLY_PROCEDURES, key=str.lower))
        raise WriteRefused(f"CALL {name or '...'} is not allowed (read-only procedures: {allowed})")


def _check_glued(text: str, toks: list[_Tok]) -> None:
    """Refuse keywords split by comments with nothing else in between, such as CRE/**/ATE."""
    joined = ""
    for prev, tok in pairwise(toks):
        glued = prev.kind == tok.kind == "word" and _ONLY_COMMENTS.fullmatch(
            text, prev.end, tok.start
        )
        joined = (joined or prev.text) + tok.text if glued else ""
        if joined and _key(joined) in _GLUED:
            raise WriteRefused(f"{_key(joined)} is not allowed (split by a comment)")


def check_read_only(text: str) -> str:
    """Return ``text`` as one read-only statement, or raise :class:`WriteRefused`.

    The result is stripped, with one trailing ``;`` (and any comment after it) removed.
    Refused: an empty statement, several statements, any writing or administrative clause,
    ``CALL { ... } IN TRANSACTIONS``, CALL of a procedure outside
    :data:`READ_ONLY_PROCEDURES`, and a query not starting with a read clause.
    """
    toks = _tokens(text)
    semis = [k for k, tok in enumerate(toks) if tok.kind == "punct" and tok.text == ";"]
    if semis and semis[0] != len(toks) - 1:
        raise WriteRefused("one statement at a time (found ';' between statements)")
    if semis:
        text, toks = text[: toks[-1].start], toks[:-1]
    if not toks:
        raise WriteRefused("the statement is empty")
    _check_glued(text, toks)
    for i, tok in enumerate(toks):
        if tok.kind not in ("word", "name") or _is_name(toks, i):
            continue
        if tok.text.strip("`").lower().startswith("apoc"):
            path = _dotted(toks, i)[0].lower().split(".")
            if path[0] == "apoc" and len(path) > 1 and path[1] in _APOC_RUNNERS:
                raise WriteRefused(f"apoc.{path[1]}.* runs Cypher the guard cannot check")
        if tok.kind == "name":
            continue
        word = _key(tok.text)
        after = _key(toks[i + 1].text) if i + 1 < len(toks) else ""
        if word in _REFUSED or (word in ("START", "STOP") and after in _ADMIN_OBJECTS):
            raise WriteRefused(f"{word} is not allowed")
        if word == "IN" and i > 0 and toks[i - 1].text == "}":
            raise WriteRefused("CALL { ... } IN TRANSACTIONS is not allowed")
        if word == "CALL":
            _check_call(toks, i)
    k = 0
    while k < len(toks) and toks[k].kind == "word" and _key(toks[k].text) in _PREFIXES:
        k += 1
    if k == len(toks) or toks[k].kind != "word" or _key(toks[k].text) not in _STARTS:
        shown = toks[k].text if k < len(toks) else "nothing"
        raise WriteRefused(
            f"a query starts with MATCH, RETURN, WITH, UNWIND, CALL or SHOW, not {shown}"
        )
    return text.strip()
