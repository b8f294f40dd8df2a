"""One error family for kb: the CLI prints these as one line, the API as problem+json."""

from __future__ import annotations


class KBError(Exception):
    """Base class of every error kb reports to a user."""


class InvalidInput(KBError):
    """Input that kb cannot accept: a malformed file, a bad parameter, a refused query."""


class FileError(InvalidInput):
    """A problem at a known place in a knowledge-base file.

    The message names the file, the line and the field so the user can go straight there.
    """

    def __init__(self, path: str, line: int | None, field: str | None, message: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.detail = message
        where = path if line is None else f"{path}:{line}"
        if field:
            where += f": field '{field}'"
        super().__init__(f"{where}: {message}")


class NotFound(KBError):
    """A name or id that matches nothing; `suggestions` lists close matches."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        self.suggestions = suggestions or []
        if self.suggestions:
            message += " Did you mean: " + "; ".join(self.suggestions) + "?"
        super().__init__(message)


class Ambiguous(InvalidInput):
    """A name that matches more than one record."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        self.candidates = candidates
        super().__init__(message + " It matches: " + "; ".join(candidates) + ".")


class QueryTimeout(KBError):
    """A query ran past its time limit."""


class StoreUnavailable(KBError):
    """The store cannot be reached or opened (server down, wrong password, locked folder)."""


class StoreError(KBError):
    """The store rejected an operation (a Cypher error, a constraint violation)."""
