"""The HTTP API over both stores, as a client sees it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from kb.api.main import create_app
from kb.loaders.seed import load_seed
from kb.queries.registry import registry
from kb.settings import Settings
from kb.store import GraphStore

KEY = "test-key"
PROBLEM = "application/problem+json"


def client(store: GraphStore, **settings) -> TestClient:
    return TestClient(create_app(Settings(store="unused", api_key=KEY, **settings), store))


@pytest.fixture
def api(seeded: GraphStore) -> TestClient:
    return client(seeded)


@pytest.fixture
def writable(store: GraphStore) -> TestClient:
    load_seed(store)
    return client(store)


# -- reading ---------------------------------------------------------------------------------
def test_health_reports_the_store_and_its_counts(api: TestClient, seeded: GraphStore):
    body = api.get("/health").json()
    assert body["status"] == "ok" and body["dialect"] == seeded.dialect
    assert body["counts"]["Institution"] == 30 and body["counts"]["Agreement"] == 22


def test_institution_search_by_name_alias_acronym_country_and_kind(api: TestClient):
    body = api.get("/institutions", params={"q": "polytech"}).json()
    assert {i["id"] for i in body["data"]} == {"spbpu", "polimi", "upv"} and body["count"] == 3
    assert [i["id"] for i in api.get("/institutions", params={"q": "IITKGP"}).json()["data"]] == [
        "iit-kharagpur"
    ]
    russian = api.get("/institutions", params={"country": "Russia"}).json()
    assert russian["count"] >= 7 and all(i["country"] == "RU" for i in russian["data"])
    academies = api.get("/institutions", params={"kind": "academy"}).json()["data"]
    assert {i["kind"] for i in academies} == {"academy"} and len(academies) == 4


def test_institution_search_pages(api: TestClient):
    everything = api.get("/institutions", params={"limit": 500}).json()
    assert everything["count"] == 30 == len(everything["data"])
    page = api.get("/institutions", params={"offset": 10, "limit": 5}).json()
    assert page["count"] == 30
    assert [i["id"] for i in page["data"]] == [i["id"] for i in everything["data"][10:15]]


def test_institution_detail_has_partners_networks_agreements_and_sources(api: TestClient):
    body = api.get("/institutions/spbpu").json()
    assert body["country"]["iso2"] == "RU"
    assert "wc2" in {n["id"] for n in body["networks"]}
    assert {"tsinghua", "leibniz-hannover", "jitri"} <= {p["id"] for p in body["partners"]}
    assert any(a["id"] == "spbpu-tsinghua-sp" for a in body["agreements"])
    assert "Academic and Industrial Partnership" in {s["title"] for s in body["sources"]}
    tsari = api.get("/institutions/tsari").json()
    assert tsari["part_of"] == {"id": "tsinghua", "name": "Tsinghua University"}


def test_institution_agreements_come_a_page_at_a_time_most_recent_first(api: TestClient):
    whole = api.get("/institutions/spbpu").json()
    assert whole["agreement_count"] == len(whole["agreements"]) > 3
    years = [a["signed_year"] or 0 for a in whole["agreements"]]
    assert years == sorted(years, reverse=True)
    page = api.get(
        "/institutions/spbpu", params={"agreements_offset": 2, "agreements_limit": 2}
    ).json()
    assert [a["id"] for a in page["agreements"]] == [a["id"] for a in whole["agreements"][2:4]]
    assert page["agreement_count"] == whole["agreement_count"]
    assert page["partners"] == whole["partners"]  # partners are never paged


def test_search_combines_text_country_and_kind(api: TestClient):
    def ids(**params: str) -> set[str]:
        return {
            i["id"]
            for i in api.get("/institutions", params={**params, "limit": 500}).json()["data"]
        }

    both = ids(q="university", country="RU")
    assert len(both) > 1 and both == ids(q="university") & ids(country="RU")
    assert ids(q="institute", kind="academy") == ids(q="institute") & ids(kind="academy")
    none = api.get("/institutions", params={"q": "polytech", "country": "IN"}).json()
    assert none == {"data": [], "count": 0, "offset": 0, "limit": 50}


def test_unknown_ids_are_404_problems_with_suggestions(api: TestClient):
    r = api.get("/institutions/spbp")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    assert r.json()["status"] == 404 and any("spbpu" in s for s in r.json()["suggestions"])
    assert api.get("/networks/nope").status_code == 404


def test_networks_and_their_thematic_areas(api: TestClient):
    assert api.get("/networks").json()["count"] == 7
    brics = api.get("/networks/brics-nu").json()
    assert "iit-kharagpur" in {m["id"] for m in brics["members"]}
    proposed = {f["label"] for f in brics["focuses_on"] if f["status"] == "proposed"}
    assert "Water Resources" in proposed and "Architecture" in proposed


def test_discipline_tree(api: TestClient):
    tree = api.get("/disciplines").json()
    assert len(tree) == 12 and tree[7]["code"] == "07"
    mining = next(d for n in tree[7]["children"] for d in n["children"] if d["code"] == "0724")
    assert "Mining Engineering" in mining["aliases"]


def test_agreements_with_the_query_filters(api: TestClient):
    body = api.get("/agreements", params={"institution": "IITKGP", "signed_after": "2025-01-01"})
    assert [a["id"] for a in body.json()["data"]] == ["iitkgp-spmu-mou-2026"]
    assert api.get("/agreements").json()["count"] == 22
    first = api.get("/agreements", params={"limit": 20}).json()
    assert (first["count"], first["next_offset"]) == (20, 20)
    rest = api.get("/agreements", params={"offset": first["next_offset"]}).json()
    assert (rest["count"], rest["next_offset"]) == (2, None)
    assert api.get("/agreements", params={"limit": 0}).status_code == 422
    assert api.get("/agreements", params={"status": "sideways"}).status_code == 422


def test_every_named_query_is_an_endpoint_with_typed_parameters(api: TestClient):
    schema = api.get("/openapi.json").json()
    for q in registry():
        op = schema["paths"][f"/queries/{q.name}"]["get"]
        documented = {p["name"]: p for p in op["parameters"]}
        assert set(documented) == {p.name for p in q.params}, q.name
        for p in q.params:
            assert documented[p.name]["required"] == p.required
    expiring = {
        p["name"]: p for p in schema["paths"]["/queries/expiring-agreements"]["get"]["parameters"]
    }
    assert "integer" in str(expiring["within_days"]["schema"])
    assert "date" in str(expiring["as_of"]["schema"])


def test_named_query_answers_with_bound_parameters(api: TestClient):
    r = api.get(
        "/queries/partners-sharing-field", params={"institution": "IITKGP", "field": "Mining"}
    )
    body = r.json()
    assert body["params"] == {"institution": "iit-kharagpur", "field": "0724"}
    assert [row["partner_id"] for row in body["rows"]] == ["spmu"] and body["count"] == 1
    r = api.get(
        "/queries/network-members", params={"network": "BRICS NU", "field": "Water Resources"}
    )
    assert [row["member_id"] for row in r.json()["rows"]] == ["iit-kharagpur"]


def test_named_query_errors(api: TestClient):
    missing = api.get("/queries/partners-sharing-field", params={"institution": "IITKGP"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "field"
    bad_date = api.get("/queries/agreements", params={"signed_after": "17/02/2026"})
    assert bad_date.status_code == 422 and bad_date.headers["content-type"] == PROBLEM
    for not_a_date in ("0", "1700000000"):  # never read as a Unix time
        assert api.get("/agreements", params={"signed_before": not_a_date}).status_code == 422
        assert (
            api.get("/queries/agreements", params={"signed_after": not_a_date}).status_code == 422
        )
    unknown = api.get("/queries/agreements", params={"institution": "Nowhere University"})
    assert unknown.status_code == 404


# -- ad-hoc Cypher ---------------------------------------------------------------------------
def test_cypher_reads_with_bound_parameters(api: TestClient):
    r = api.post(
        "/cypher",
        json={
            "query": "MATCH (i:Institution) WHERE i.id = $id RETURN i.name AS n",
            "params": {"id": "tsinghua"},
        },
    )
    assert r.status_code == 200 and r.json()["rows"] == [["Tsinghua University"]]
    assert r.json()["truncated"] is False


def test_cypher_row_cap_is_reported(api: TestClient):
    r = api.post("/cypher", json={"query": "MATCH (c:Country) RETURN c.iso2", "max_rows": 10})
    assert r.json()["count"] == 10 and r.json()["truncated"] is True
    capped = client(api.app.state.store, max_rows=5)
    r = capped.post("/cypher", json={"query": "MATCH (c:Country) RETURN c.iso2", "max_rows": 100})
    assert r.json()["count"] == 5 and r.json()["row_cap"] == 5


def test_cypher_time_limit_is_reported(api: TestClient):
    slow = "UNWIND range(1, 300000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n"
    r = api.post("/cypher", json={"query": slow, "timeout_s": 0.5})
    assert r.status_code == 408 and r.headers["content-type"] == PROBLEM
    assert "time limit" in r.json()["detail"]


WRITES = [
    "CREATE (:Country {iso2: 'XX', name: 'X'})",
    "MERGE (:Country {iso2: 'XX', name: 'X'})",
    "MATCH (c:Country {iso2: 'FI'}) SET c.name = 'Suomi'",
    "MATCH (i:Institution {id: 'spbpu'}) REMOVE i.city",
    "MATCH (s:Source) DELETE s",
    "MATCH (n) DETACH DELETE n",
    "LOAD CSV FROM 'file:///etc/passwd' AS row CREATE (:Country {iso2: row[0]})",
    "LOAD FROM 'x.csv' RETURN *",
    "CALL apoc.create.node(['X'], {})",
    "CALL db.createLabel('X')",
    "CREATE INDEX x FOR (n:Country) ON (n.name)",
    "DROP CONSTRAINT institution_id",
    "MATCH (n) RETURN n; MATCH (n) DETACH DELETE n",
    "MATCH (n) /* a comment */ DETACH /* another */ DELETE n",
    "MATCH (n) // a comment\nDETACH DELETE n",
    "MATCH (c:Country) FOREACH (x IN [1] | SET c.name = 'x')",
    "CALL { MATCH (n) DETACH DELETE n } IN TRANSACTIONS",
]


@pytest.mark.parametrize("text", WRITES)
def test_cypher_refuses_every_write_and_changes_nothing(api: TestClient, seeded, text: str):
    before = seeded.counts()
    finland = seeded.run("MATCH (c:Country {iso2: 'FI'}) RETURN c.name").rows
    r = api.post("/cypher", json={"query": text})
    assert r.status_code == 403, r.json()
    assert r.headers["content-type"] == PROBLEM and "read-only" in r.json()["detail"]
    assert seeded.counts() == before
    assert seeded.run("MATCH (c:Country {iso2: 'FI'}) RETURN c.name").rows == finland


def test_cypher_syntax_errors_are_4xx_problems(api: TestClient):
    r = api.post("/cypher", json={"query": "MATCH (n RETURN n"})
    assert r.status_code == 400 and r.headers["content-type"] == PROBLEM


# -- writing ---------------------------------------------------------------------------------
DOC = "institutions:\n  - id: example-u\n    name: Example University\n    country: FI\n"


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}])
def test_writes_without_a_valid_key_are_401_and_change_nothing(writable, store, headers):
    before = store.counts()
    r = writable.post("/load", content=DOC, headers={"content-type": "application/yaml", **headers})
    assert r.status_code == 401 and r.headers["content-type"] == PROBLEM
    r = writable.put(
        "/agreements/x",
        json={"kind": "MoU", "title": "X", "parties": [{"institution": "SPbPU"}]},
        headers=headers,
    )
    assert r.status_code == 401
    assert store.counts() == before


def test_writes_are_refused_when_the_server_has_no_key(store):
    load_seed(store)
    no_key = TestClient(create_app(Settings(store="unused", api_key=None), store))
    r = no_key.post("/load", content=DOC, headers={"X-API-Key": ""})
    assert r.status_code == 401 and "no KB_API_KEY" in r.json()["detail"]


def test_load_a_file_and_put_an_agreement(writable, store):
    headers = {"X-API-Key": KEY}
    r = writable.post("/load", content=DOC, headers={"content-type": "application/yaml", **headers})
    assert r.status_code == 200 and r.json()["nodes_created"] == 1
    body = {
        "kind": "double degree",
        "title": "SPbPU – Example double degree",
        "signed_on": "2026-03-01",
        "status": "active",
        "parties": [{"institution": "SPbPU"}, {"institution": "Example University"}],
        "fields": ["Mechanical Engineering"],
    }
    r = writable.put("/agreements/spbpu-example-dd", json=body, headers=headers)
    assert r.status_code == 200 and r.json()["nodes_created"] == 1
    r = writable.put("/agreements/spbpu-example-dd", json=body, headers=headers)
    assert r.json()["nodes_created"] == 0  # replacing is idempotent
    partners = writable.get(
        "/queries/partners-sharing-field", params={"institution": "example-u", "field": "07"}
    ).json()
    assert [row["partner_id"] for row in partners["rows"]] == ["spbpu"]


def test_write_errors_name_the_field_and_change_nothing(writable, store):
    headers = {"X-API-Key": KEY}
    before = store.counts()
    r = writable.put(
        "/agreements/x",
        json={"kind": "MoU", "title": "X", "parties": [{"institution": "Nowhere U"}]},
        headers=headers,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "parties[0].institution"
    r = writable.put(
        "/agreements/x",
        json={"kind": "treaty", "title": "X", "parties": [{"institution": "SPbPU"}]},
        headers=headers,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "kind"
    bad = DOC + "  - id: broken\n    name: Broken\n    kind: castle\n"
    r = writable.post(
        "/load",
        content=bad,
        params={"name": "mine.yaml"},
        headers={"content-type": "application/yaml", **headers},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0] == {
        "field": "kind",
        "line": 7,
        "message": r.json()["errors"][0]["message"],
    }
    assert "mine.yaml:7" in r.json()["detail"]
    assert store.counts() == before


# -- concurrency -----------------------------------------------------------------------------
def test_concurrent_readers_get_the_same_answers(api: TestClient):
    urls = [
        "/institutions/spbpu",
        "/queries/partners-by-country?institution=SPbPU",
        "/queries/connection-path?a=Leibniz%20Universit%C3%A4t%20Hannover&b=Tsinghua%20University",
        "/institutions?q=university&limit=100",
    ]
    expected = {u: api.get(u).json() for u in urls}

    def fetch(i: int) -> tuple[str, int, object]:
        u = urls[i % len(urls)]
        r = api.get(u)
        return u, r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch, range(80)))
    assert all(code == 200 for _, code, _ in results)
    assert all(body == expected[u] for u, _, body in results)
