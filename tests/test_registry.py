"""The named-query registry: headers are data, and a malformed one is caught at load."""

from __future__ import annotations

import pytest

from kb.errors import InvalidInput
from kb.queries.registry import parse_query, registry, used_params

GOOD = """// title: T
// description: Something useful enough.
// param institution: institution -- who
// param since: date = null -- from when
MATCH (i:Institution {id: $institution}) WHERE (i.x >= $since OR $since IS NULL) RETURN i.id
"""


def test_registry_holds_every_query_the_project_promises():
    assert set(registry().names()) >= {
        "partners-sharing-field",
        "shared-fields",
        "common-partners",
        "partners-by-country",
        "network-members",
        "agreements",
        "expiring-agreements",
        "connection-path",
    }


def test_header_declares_typed_parameters_with_defaults():
    q = parse_query("t", GOOD, "t.cypher")
    inst, since = q.params
    assert (inst.name, inst.type, inst.required, inst.help) == (
        "institution",
        "institution",
        True,
        "who",
    )
    assert (since.type, since.required, since.default) == ("date", False, None)


def test_a_parameter_used_but_not_declared_is_refused():
    text = GOOD.replace("RETURN i.id", "AND i.kind = $kind RETURN i.id")
    with pytest.raises(InvalidInput, match=r"used but not declared: \['kind'\]"):
        parse_query("t", text, "t.cypher")


def test_a_declared_parameter_that_is_not_used_is_refused():
    text = GOOD.replace("// param since", "// param extra: int = 3 -- x\n// param since")
    with pytest.raises(InvalidInput, match=r"declared but unused: \['extra'\]"):
        parse_query("t", text, "t.cypher")


def test_dollar_signs_in_strings_and_comments_are_not_parameters():
    assert used_params("RETURN '$not' // $nor\n, $yes /* $no */") == {"yes"}


@pytest.mark.parametrize(
    "bad",
    ["// param x: colour", "// param X: int", "// param x int"],
)
def test_bad_param_lines_are_refused(bad):
    with pytest.raises(InvalidInput, match="bad param line"):
        parse_query("t", f"// title: T\n// description: D is long enough\n{bad}\nRETURN 1", "t")


def test_title_and_description_are_required():
    with pytest.raises(InvalidInput, match="title"):
        parse_query("t", "// description: only\nRETURN 1", "t.cypher")


def test_variants_use_the_same_parameters_as_their_query():
    for q in registry():
        for dialect, text in q.variants.items():
            assert used_params(text) == {p.name for p in q.params}, (q.name, dialect)
    assert "neo4j" in registry().get("connection-path").variants
