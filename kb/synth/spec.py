"""What `kb synth` is asked for and what it wrote."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Compact and UTF-8, like most JSON Lines; one encoder so every file is written alike.
dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass(frozen=True)
class Spec:
    """What to generate; the same Spec always gives the same files."""

    institutions: int
    agreements: int
    networks: int | None = None  # default: max(5, institutions // 500)
    seed: int = 0
    shard_size: int = 100_000

    @property
    def n_networks(self) -> int:
        return max(5, self.institutions // 500) if self.networks is None else self.networks

    @property
    def n_sources(self) -> int:
        """A few hundred, more for big runs, so citations spread like a real press corpus."""
        return min(5000, max(200, (self.institutions + self.agreements) // 2000))


@dataclass
class Written:
    path: Path
    kind: str
    rows: int
    bytes: int


@dataclass
class Report:
    out_dir: Path
    spec: Spec
    files: list[Written] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "seed": self.spec.seed,
            "files": [
                {"file": f.path.name, "kind": f.kind, "rows": f.rows, "bytes": f.bytes}
                for f in self.files
            ],
            "rows": self.rows,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
        }


def write_lines(out_dir: Path, kind: str, lines: list[str], report: Report) -> None:
    """Write one whole file of records (each line ends in a newline) and record it."""
    path = out_dir / f"{kind}.jsonl"
    text = "".join(lines)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    report.files.append(Written(path, kind, len(lines), len(text.encode("utf-8"))))
