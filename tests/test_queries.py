"""Each named query's answer on the seed knowledge base, on every store."""

from __future__ import annotations

from datetime import date

import pytest

from kb.errors import InvalidInput, NotFound
from kb.queries.registry import registry
from kb.queries.runner import bind_params, fold_nulls, run_named
from kb.resolve import shared_resolver
from kb.store import GraphStore


def rows(store: GraphStore, name: str, **params: str) -> list[dict]:
    return run_named(store, name, params).records()


def test_partners_sharing_mining_is_the_mining_university_with_both_sources(seeded):
    got = rows(seeded, "partners-sharing-field", institution="IIT Kharagpur", field="Mining")
    assert [r["partner_id"] for r in got] == ["spmu"]
    mou = got[0]
    assert mou["agreement_id"] == "iitkgp-spmu-mou-2026"
    assert mou["signed_on"] == date(2026, 2, 17)
    assert mou["country"] == "Russian Federation"
    assert set(mou["as_written"]) == {"Mining Engineering; Petroleum Engineering"}
    assert len(mou["sources"]) == 2
    assert any("New Era of Student Exchanges" in s for s in mou["sources"])


def test_partners_sharing_a_broad_field_include_its_subfields(seeded):
    # 07 (engineering) holds mining 0724 and chemical 0711 (the MoU), and 0716, space
    # technology (the ISRO collaboration).
    got = {
        r["partner_id"]: r
        for r in rows(seeded, "partners-sharing-field", institution="IITKGP", field="07")
    }
    assert set(got) == {"spmu", "isro"}
    assert {"Mining and extraction", "Chemical engineering and processes"} <= set(
        got["spmu"]["fields"]
    )
    assert got["isro"]["fields"] == ["Motor vehicles, ships and aircraft"]


def test_partners_sharing_a_field_nobody_covers_is_empty(seeded):
    assert rows(seeded, "partners-sharing-field", institution="IITKGP", field="Law") == []


def test_shared_fields_of_the_mou_parties(seeded):
    got = {r["code"]: r for r in rows(seeded, "shared-fields", a="IIT Kharagpur", b="SPMU")}
    # Both are party to the MoU, so every field it covers is shared, with its ancestors.
    for code in ("0724", "072", "07", "0532", "053", "05", "0711", "0715", "0722", "0688"):
        assert code in got, code
    assert got["0724"]["level"] == "detailed"
    assert got["07"]["level"] == "broad"


def test_common_partners_of_jitri_and_tsari_is_spbpu(seeded):
    got = rows(seeded, "common-partners", a="JITRI", b="TSARI")
    assert [r["partner_id"] for r in got] == ["spbpu"]
    assert got[0]["agreements_with_a"] == ["SPbPU – JITRI – TSARI strategic partnership"]


def test_partners_by_country_of_spbpu(seeded):
    got = {r["country"]: r for r in rows(seeded, "partners-by-country", institution="SPbPU")}
    assert got["China"]["partners"] == 6
    assert "Tsinghua University" in got["China"]["institutions"]
    assert got["Germany"]["partners"] == 4
    counts = [r["partners"] for r in rows(seeded, "partners-by-country", institution="SPbPU")]
    assert counts == sorted(counts, reverse=True)


def test_network_members_of_brics_nu_in_water_resources(seeded):
    got = rows(seeded, "network-members", network="BRICS NU", field="Water Resources")
    assert [r["member_id"] for r in got] == ["iit-kharagpur"]
    assert got[0]["proposed_areas"] == ["Water Resources"]
    assert got[0]["sources"] == [
        "Enhancing Global Imprint of IIT Kharagpur through Strategic Partnerships"
    ]


def test_network_members_without_a_field_lists_every_member(seeded):
    got = rows(seeded, "network-members", network="WC2 University Network")
    assert [r["member_id"] for r in got] == ["spbpu"]
    assert got[0]["sources"] == ["Academic and Industrial Partnership"]


def test_agreements_of_iit_kharagpur(seeded):
    got = rows(seeded, "agreements", institution="IITKGP")
    ids = [r["id"] for r in got]
    assert ids[0] == "iitkgp-spmu-mou-2026"  # the one with a date comes first
    for partner in ("mai", "misis", "innopolis", "itmo"):
        assert any(partner in i for i in ids), partner
    mou = got[0]
    assert mou["status"] == "active"
    assert sorted(mou["parties"]) == [
        "Empress Catherine II Saint Petersburg Mining University",
        "Indian Institute of Technology Kharagpur",
    ]


def test_agreements_filtered_by_dates_and_status(seeded):
    after = rows(seeded, "agreements", signed_after="2025-01-01")
    assert [r["id"] for r in after] == ["iitkgp-spmu-mou-2026"]
    assert rows(seeded, "agreements", signed_before="2025-01-01") == []
    unknown = rows(seeded, "agreements", status="unknown")
    assert unknown and all(r["status"] == "unknown" for r in unknown)
    everything = rows(seeded, "agreements")
    assert len(everything) == 22


def test_agreements_come_a_page_at_a_time_most_recent_first(seeded):
    everything = rows(seeded, "agreements", limit="1000")
    years = [r["signed_year"] or 0 for r in everything]
    assert years == sorted(years, reverse=True)
    pages = [rows(seeded, "agreements", limit="5", offset=str(k)) for k in range(0, 25, 5)]
    assert [len(p) for p in pages] == [5, 5, 5, 5, 2]
    assert [r["id"] for p in pages for r in p] == [r["id"] for r in everything]
    one = rows(seeded, "agreements", institution="SPbPU", limit="1")
    assert (
        len(one) == 1
        and "Peter the Great St. Petersburg Polytechnic University" in one[0]["parties"]
    )


def test_a_negative_page_size_is_refused_before_it_reaches_the_store(seeded):
    with pytest.raises(InvalidInput, match="'limit' must be an int: -1 is negative"):
        rows(seeded, "agreements", limit="-1")


def test_expiring_agreements_on_the_seed_is_empty(seeded):
    # No article gives an end date, so nothing can be said to expire.
    assert rows(seeded, "expiring-agreements", within_days="3650") == []


def test_connection_path_from_hannover_to_tsinghua(seeded):
    got = rows(seeded, "connection-path", a="Leibniz Universität Hannover", b="Tsinghua University")
    assert got, "Hannover and Tsinghua are both SPbPU partners"
    assert {r["steps"] for r in got} == {4}
    for r in got:
        assert r["ids"][0] == "leibniz-hannover" and r["ids"][-1] == "tsinghua"
        assert r["ids"][2] == "spbpu"
        assert r["kinds"][0] == r["kinds"][-1] == "Institution"
    assert [
        "leibniz-hannover",
        "spbpu-leibniz-hannover-sp",
        "spbpu",
        "spbpu-tsinghua-sp",
        "tsinghua",
    ] in [r["ids"] for r in got]


def test_connection_path_between_unconnected_institutions_is_empty(seeded):
    assert rows(seeded, "connection-path", a="IIT Kharagpur", b="Tsinghua University") == []


def test_names_resolve_before_the_query_runs(seeded):
    by_id = rows(seeded, "agreements", institution="iit-kharagpur")
    for name in (
        "IIT Kharagpur",
        "IITKGP",
        "Indian Institute of Technology Kharagpur",
        "indian institute of technology, kharagpur",
    ):
        assert rows(seeded, "agreements", institution=name) == by_id, name


def test_unknown_name_lists_close_matches(seeded):
    with pytest.raises(NotFound) as err:
        rows(seeded, "agreements", institution="IIT Kharagpr")
    assert "Indian Institute of Technology Kharagpur" in str(err.value)


def test_bad_parameters_are_refused(seeded):
    with pytest.raises(InvalidInput, match="needs the parameter 'field'"):
        rows(seeded, "partners-sharing-field", institution="IITKGP")
    with pytest.raises(InvalidInput, match="has no parameter 'colour'"):
        rows(seeded, "agreements", colour="red")
    with pytest.raises(InvalidInput, match="must be a date"):
        rows(seeded, "agreements", signed_after="17 Feb 2026")
    with pytest.raises(NotFound, match="no named query"):
        rows(seeded, "partner-sharing-field")


def test_a_parameter_value_is_data_not_cypher(seeded):
    before = seeded.counts()
    evil = "x' OR 1=1 WITH 1 AS x MATCH (n) DETACH DELETE n //"
    assert rows(seeded, "agreements", status=evil) == []
    assert seeded.counts() == before


def test_null_tests_of_optional_parameters_fold_to_their_truth_value():
    text = "WHERE (x.id = $i OR $i IS NULL) AND ($f IS NOT NULL) AND $other is null"
    assert fold_nulls(text, {"i": "tsinghua", "f": None}) == (
        "WHERE (x.id = $i OR false) AND (false) AND $other is null"
    )
    assert fold_nulls(text, {"i": None, "f": "07"}) == (
        "WHERE (x.id = $i OR true) AND (true) AND $other is null"
    )


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("agreements", {"institution": "SPbPU"}),
        ("agreements", {"status": "active", "limit": "1000"}),
        ("network-members", {"network": "BRICS NU"}),
        ("network-members", {"network": "BRICS NU", "field": "Water Resources"}),
    ],
)
def test_folding_null_tests_keeps_the_answer_of_the_text_as_written(seeded, name, params):
    query = registry().get(name)
    bound = bind_params(query, params, shared_resolver(seeded))
    as_written = seeded.run(query.text_for(seeded.dialect), bound).records()
    folded = run_named(seeded, name, params).records()

    def unordered(records: list[dict]) -> list[dict]:  # collect() promises no order
        return [{k: sorted(v) if isinstance(v, list) else v for k, v in r.items()} for r in records]

    assert as_written and unordered(folded) == unordered(as_written)
