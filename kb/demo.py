"""`kb demo`: build the seed knowledge base and answer three strategy questions with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kb.loaders.kbfiles import LoadReport
from kb.loaders.seed import load_seed
from kb.queries.runner import Answer, run_named
from kb.resolve import Resolver
from kb.store.base import GraphStore


@dataclass
class Question:
    question: str
    query: str
    params: dict[str, str]
    answer: Answer
    sources: list[dict[str, Any]] = field(default_factory=list)

    def command(self) -> str:
        args = " ".join(f'-p {k}="{v}"' for k, v in self.params.items())
        return f"kb query {self.query} {args}"


QUESTIONS = [
    (
        "Which of IIT Kharagpur's partners share Mining with it?",
        "partners-sharing-field",
        {"institution": "IIT Kharagpur", "field": "Mining"},
    ),
    (
        "Which members of BRICS Network University are linked to Water Resources?",
        "network-members",
        {"network": "BRICS Network University", "field": "Water Resources"},
    ),
    (
        "How is Leibniz Universität Hannover connected to Tsinghua University?",
        "connection-path",
        {"a": "Leibniz Universität Hannover", "b": "Tsinghua University"},
    ),
]

NEXT_STEPS = [
    "kb queries                                  # every named query and its parameters",
    'kb query agreements -p institution="SPbPU"  # agreements with parties, fields, sources',
    "kb query shared-fields -p a=IITKGP -p b=SPMU",
    'kb cypher "MATCH (i:Institution)-[:MEMBER_OF]->(n:Network) RETURN n.name, count(i)"',
    "kb load universities PATH/world_universities_and_domains.json",
    "kb load files my-kb/                        # your own knowledge-base files",
]


def run_demo(store: GraphStore) -> tuple[list[LoadReport], list[Question]]:
    """Load the seed knowledge base (idempotently) and answer the demo questions."""
    reports = load_seed(store)
    resolver = Resolver(store)
    questions = []
    for text, name, params in QUESTIONS:
        answer = run_named(store, name, params, resolver)
        questions.append(Question(text, name, params, answer, _path_sources(store, answer)))
    return reports, questions


def _path_sources(store: GraphStore, answer: Answer) -> list[dict[str, Any]]:
    """The sources of the agreements a connection path runs through."""
    if answer.query.name != "connection-path":
        return []
    ids = sorted({i for r in answer.records() for i in r["ids"]})
    rows = store.run(
        "MATCH (a:Agreement)-[:REPORTED_IN]->(s:Source) WHERE a.id IN $ids "
        "RETURN DISTINCT s.title AS title, s.publisher AS publisher, s.url AS url "
        "ORDER BY title",
        {"ids": ids},
    )
    return rows.records()
