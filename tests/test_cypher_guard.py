"""The lexical read-only guard for ad-hoc Cypher, on its own (no database)."""

from __future__ import annotations

import doctest

import pytest

import kb.cypher_guard
from kb.cypher_guard import WriteRefused, check_read_only
from kb.errors import InvalidInput

WRITES = [
    # (statement, word the message must name)
    ("CREATE (n:University {name: 'X'})", "CREATE"),
    ("MERGE (n:University {name: 'X'}) RETURN n", "MERGE"),
    ("MATCH (n) SET n.name = 'x'", "SET"),
    ("MATCH (n) REMOVE n.name", "REMOVE"),
    ("MATCH (n) DELETE n", "DELETE"),
    ("MATCH (n) DETACH DELETE n", "DETACH"),
    ("MATCH (n) NODETACH DELETE n", "NODETACH"),
    ("INSERT (n:University)", "INSERT"),
    ("MATCH (n) WITH n MATCH (m) MERGE (n)-[:R]->(m)", "MERGE"),
    ("MATCH (n) ON CREATE SET n.x = 1", "CREATE"),
    ("LOAD CSV FROM 'file:///x.csv' AS row RETURN row", "LOAD"),
    ("LOAD CSV WITH HEADERS FROM 'https://x/y.csv' AS row CREATE (:N)", "LOAD"),
    ("LOAD FROM 'x.csv' RETURN *", "LOAD"),
    ("COPY University FROM 'universities.csv'", "COPY"),
    ("COPY (MATCH (n) RETURN n) TO 'out.csv'", "COPY"),
    ("EXPORT DATABASE '/tmp/x'", "EXPORT"),
    ("IMPORT DATABASE '/tmp/x'", "IMPORT"),
    ("INSTALL json", "INSTALL"),
    ("UNINSTALL json", "UNINSTALL"),
    ("LOAD EXTENSION json", "LOAD"),
    ("ATTACH 'other.db' AS other (dbtype ladybug)", "ATTACH"),
    ("DETACH other", "DETACH"),
    ("USE system", "USE"),
    ("USE neo4j MATCH (n) RETURN n", "USE"),
    ("CHECKPOINT", "CHECKPOINT"),
    ("BEGIN TRANSACTION", "BEGIN"),
    ("COMMIT", "COMMIT"),
    ("ROLLBACK", "ROLLBACK"),
    ("CREATE INDEX uni_name FOR (n:University) ON (n.name)", "CREATE"),
    ("CREATE CONSTRAINT FOR (n:University) REQUIRE n.id IS UNIQUE", "CREATE"),
    ("DROP CONSTRAINT uni_id", "DROP"),
    ("DROP INDEX uni_name IF EXISTS", "DROP"),
    ("DROP TABLE University", "DROP"),
    ("ALTER TABLE University ADD note STRING", "ALTER"),
    ("COMMENT ON TABLE University IS 'x'", "COMMENT"),
    ("ANALYZE", "ANALYZE"),
    ("GRANT ROLE admin TO bob", "GRANT"),
    ("DENY READ ON GRAPH * TO bob", "DENY"),
    ("REVOKE ROLE admin FROM bob", "REVOKE"),
    ("START DATABASE foo", "START"),
    ("STOP DATABASE foo", "STOP"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE"),
    ("MATCH (n) FOREACH (x IN [1] | SET n.x = x)", "FOREACH"),
    ("MATCH (n) FOREACH (x IN [1] | MERGE (m {id: x}))", "FOREACH"),
    ("CALL apoc.create.node(['X'], {})", "apoc.create.node"),
    ("CALL db.createLabel('X')", "db.createLabel"),
    ("CALL dbms.setConfigValue('x', 'y')", "dbms.setConfigValue"),
    ("CALL gds.pageRank.write('g', {writeProperty: 'pr'})", "gds.pageRank.write"),
    ("CALL `apoc`.`create`.`node`(['X'], {})", "apoc.create.node"),
    ("CALL threads=4", "threads"),
    ("CALL create_fts_index('University', 'idx', ['name'])", "create_fts_index"),
    ("CALL db.labels = 1", "db.labels"),
    ("CALL { CREATE (n) } IN TRANSACTIONS", "CREATE"),
    ("MATCH (n) CALL { WITH n RETURN n.x AS x } IN TRANSACTIONS RETURN x", "IN TRANSACTIONS"),
    ("MATCH (n) CALL (n) { RETURN 1 AS x } IN 4 CONCURRENT TRANSACTIONS RETURN x", "IN TRANS"),
    ("RETURN apoc.cypher.runFirstColumnSingle('CREATE (n) RETURN n', {})", "apoc.cypher"),
    ("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})", "apoc.periodic"),
]

TRICKS = [
    # writes hidden behind comments
    ("MATCH (n) /* */ DELETE n", "DELETE"),
    ("MATCH (n) /* RETURN n */ DELETE n", "DELETE"),
    ("MATCH (n) // x\n DETACH DELETE n", "DETACH"),
    ("MATCH (n) // x\r\nDELETE n", "DELETE"),
    ("MATCH (n) /* a /* b */ DELETE n", "DELETE"),  # comments do not nest
    ("MATCH (n) RETURN n /* ' */ , 1 AS x DELETE n //'", "DELETE"),
    # a comment splitting a keyword: two names to the stores, refused in case it is stripped
    ("CRE/**/ATE (n)", "CREATE is not allowed (split by a comment)"),
    ("MATCH (n) DE/* x *//**/LE/**/TE n", "DELETE is not allowed (split by a comment)"),
    # case and spacing
    ("MATCH (n) dElEtE n", "DELETE"),
    ("match (n) detach delete n", "DETACH"),
    ("MATCH (n) DETACH\u00a0DELETE n", "DETACH"),
    ("MATCH (n)\u2028DETACH\u3000\u2029DELETE\tn", "DETACH"),
    ("MATCH (n)\u180eDELETE n", "DELETE"),
    ("MATCH (n)\n\n\tDETACH\r\n  DELETE n", "DETACH"),
    ("MATCH (n) ＤＥＬＥＴＥ n", "DELETE"),  # fullwidth folds to DELETE: refuse when unsure
    # quotes that end where the stores end them
    ("MATCH (n) WHERE n.name = 'it\\'s' DELETE n", "DELETE"),
    ('MATCH (n) WHERE n.name = "say \\"hi\\"" DELETE n', "DELETE"),
    ("MATCH (n) WHERE n.name = 'a\\\\' DELETE n", "DELETE"),
    ("MATCH (n) WHERE n.name = 'a''b' DELETE n", "DELETE"),
    # a keyword glued to a number is still a keyword to the lexer
    ("MATCH (n) WITH n, 1DELETE n", "DELETE"),
    ("MATCH (n) WITH n, 1.SET n.x = 1 RETURN n", "SET"),
    # a backtick-quoted punctuation name must not pass for punctuation
    ("MATCH (n) WITH n AS `$` DELETE n", "DELETE"),
    ("MATCH (n) WITH n AS `.` DELETE n", "DELETE"),
    ("MATCH (n) RETURN 1 AS `;` DELETE n", "DELETE"),
    # EXPLAIN and PROFILE do not excuse a write
    ("EXPLAIN MATCH (n) DELETE n", "DELETE"),
    ("PROFILE CREATE (n)", "CREATE"),
]

NOT_QUERIES = [
    ("MATCH (n) RETURN n; MATCH (n) DELETE n", "one statement at a time"),
    ("MATCH (n) RETURN n; MATCH (m) RETURN m", "one statement at a time"),
    ("MATCH (n) RETURN n;;", "one statement at a time"),
    ("MATCH (n) RETURN n /* ; */ ; RETURN 1", "one statement at a time"),
    ("", "empty"),
    ("   \n\t ", "empty"),
    (";", "empty"),
    ("// only a comment", "empty"),
    ("/* only */ /* comments */ ;", "empty"),
    ("MATCH (n) RETURN n /* never closed", "unterminated comment"),
    ("MATCH (n) WHERE n.name = 'never closed RETURN n", "unterminated quote"),
    ("MATCH (n) RETURN n AS `never closed", "unterminated quote"),
    ("START n=node(1) RETURN n", "not START"),
    ("FORCE INSTALL json", "INSTALL"),
    ("PROJECT GRAPH g (University)", "not PROJECT"),
    ("EXPLAIN", "not nothing"),
    ("(n)", "not ("),
    ("hello", "not hello"),
]

READS = [
    "MATCH (n) WHERE n.name = 'CREATE TABLE; DROP' RETURN n",
    'RETURN "delete" AS x',
    "RETURN 'MATCH (n) DETACH DELETE n' AS x",
    "RETURN 'it\\'s; DELETE' AS x",
    "MATCH (n) RETURN n.set, n.created",
    "MATCH (n) RETURN n.delete, n.`merge`, n.load AS load_",
    "MATCH (n) RETURN n {.set, .name, delete: n.x} AS m",
    "RETURN {delete: 1} AS m",
    "RETURN {create: 1, set: {remove: 2}} AS m",
    "// CREATE in a comment\nMATCH (n) RETURN count(n)",
    "/* DELETE everything? no. */ MATCH (n) RETURN count(n)",
    "MATCH (n) RETURN n // DETACH DELETE n",
    "MATCH (a)-[:SET_BY]->(b) RETURN a",
    "MATCH (a)-[:SET]->(b) RETURN a",
    "MATCH (n:Delete) WHERE n:Merge RETURN n",
    "MATCH (n) WHERE n.name = $delete RETURN n",
    "MATCH (n) RETURN n.name AS `create`",
    "MATCH (`delete`) RETURN `delete`",
    "CALL db.labels()",
    "CALL db.labels",
    "CALL db.labels() YIELD label RETURN label",
    "CALL db.relationshipTypes()",
    "CALL db.schema.visualization()",
    "CALL dbms.components() YIELD name, versions RETURN name",
    "CALL `db`.`propertyKeys`()",
    "CALL show_tables() RETURN *",
    "CALL SHOW_TABLES() RETURN *",
    "CALL table_info('University') RETURN *",
    "CALL show_connection('member_of') RETURN *",
    "CALL current_setting('threads') RETURN *",
    "CALL db_version() RETURN *",
    "MATCH (n) CALL { WITH n MATCH (n)--(m) RETURN count(m) AS c } RETURN n, c",
    "MATCH (n) CALL (n) { MATCH (n)--(m) RETURN count(m) AS c } RETURN n, c",
    "MATCH (n) RETURN COUNT { (n)--() } AS degree",
    "MATCH p = shortestPath((a)-[*]-(b)) RETURN p",
    "MATCH (a)-[*1..3]->(b) RETURN b",
    "UNWIND [1,2] AS x RETURN x",
    "MATCH (n) WITH n ORDER BY n.name SKIP 1 LIMIT 2 RETURN n",
    "MATCH (start)-[r]->(end) RETURN start, end ORDER BY start.name",
    "OPTIONAL MATCH (n) RETURN n",
    "MATCH (n) RETURN n UNION MATCH (m) RETURN m AS n",
    "MATCH (n) WHERE n.x IN [1, 2] RETURN n",
    "RETURN 1.5e3 AS x, 0x1F AS y, -.5 AS z",
    "EXPLAIN MATCH (n) RETURN n",
    "PROFILE MATCH (n) RETURN n",
    "CYPHER 5 MATCH (n) RETURN n",
    "SHOW INDEXES",
    "SHOW CONSTRAINTS YIELD name RETURN name",
    "MATCH (n) RETURN apoc.coll.sum([1, 2]) AS s",
    "RETURN 1 AS x\u00a0",
]


@pytest.mark.parametrize(("text", "named"), WRITES + TRICKS + NOT_QUERIES)
def test_refused(text: str, named: str) -> None:
    with pytest.raises(WriteRefused) as refused:
        check_read_only(text)
    message = str(refused.value)
    assert message.startswith("ad-hoc Cypher is read-only: ")
    assert named in message


@pytest.mark.parametrize("text", READS)
def test_read_passes_unchanged(text: str) -> None:
    assert check_read_only(text) == text.strip()


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("MATCH (n) RETURN n;", "MATCH (n) RETURN n"),
        ("  MATCH (n) RETURN n ;  \n", "MATCH (n) RETURN n"),
        ("MATCH (n) RETURN n; // done", "MATCH (n) RETURN n"),
        ("RETURN ';' AS x;", "RETURN ';' AS x"),
    ],
)
def test_one_trailing_semicolon_is_dropped(text: str, statement: str) -> None:
    assert check_read_only(text) == statement


def test_refusal_is_invalid_input_with_reason() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_read_only("CREATE (n)")
    assert isinstance(refused.value, WriteRefused)
    assert str(refused.value) == "ad-hoc Cypher is read-only: CREATE is not allowed"
    assert refused.value.reason == "CREATE is not allowed"


def test_unknown_procedure_message_lists_the_allowed_ones() -> None:
    with pytest.raises(WriteRefused, match=r"CALL db\.createLabel is not allowed .*db\.labels"):
        check_read_only("CALL db.createLabel('X')")


def test_long_input_is_checked_in_linear_time() -> None:
    text = "MATCH (n) RETURN n" + " /* x */ 'y'" * 20_000 + " /*"
    with pytest.raises(WriteRefused, match="unterminated comment"):
        check_read_only(text)
    with pytest.raises(WriteRefused, match="unterminated quote"):
        check_read_only("RETURN " + "'a' + " * 20_000 + "'")


def test_doctest() -> None:
    assert doctest.testmod(kb.cypher_guard).failed == 0
