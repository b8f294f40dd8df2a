"""Countries: every ISO 3166-1 country from pycountry, with its UN M49 region."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import pycountry

from kb.errors import NotFound
from kb.store.base import GraphBatch

# Codes in common use that ISO 3166-1 does not assign (user-assigned by convention).
_EXTRA = {"XK": ("XKX", "Kosovo", "Europe", "Southern Europe")}
# Codes ISO 3166-1 reserves for a country that has another code.
_RESERVED = {"UK": "GB"}


@cache
def _regions() -> dict[str, tuple[str, str]]:
    text = resources.files("kb").joinpath("data/country-regions.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return {row["iso2"]: (row["region"], row["subregion"]) for row in rows}


def country_rows() -> list[dict[str, str | None]]:
    regions = _regions()
    rows: list[dict[str, str | None]] = []
    for c in pycountry.countries:
        region, subregion = regions.get(c.alpha_2, (None, None))
        rows.append(
            {
                "iso2": c.alpha_2,
                "iso3": c.alpha_3,
                "name": getattr(c, "common_name", None) or c.name,
                "official_name": getattr(c, "official_name", None) or c.name,
                "region": region or None,
                "subregion": subregion or None,
            }
        )
    for iso2, (iso3, name, region, subregion) in _EXTRA.items():
        rows.append(
            {
                "iso2": iso2,
                "iso3": iso3,
                "name": name,
                "official_name": name,
                "region": region,
                "subregion": subregion,
            }
        )
    return rows


def countries_batch() -> GraphBatch:
    batch = GraphBatch()
    for row in country_rows():
        batch.add_node("Country", row)
    return batch


@cache
def country_code(value: str) -> str:
    """The alpha-2 code of a country given by alpha-2, alpha-3 or English name.

    >>> country_code("Russia"), country_code("RUS"), country_code("in")
    ('RU', 'RU', 'IN')
    """
    text = value.strip()
    for iso2, (iso3, name, _, _) in _EXTRA.items():
        if text.upper() in (iso2, iso3) or text.lower() == name.lower():
            return iso2
    if text.upper() in _RESERVED:
        return _RESERVED[text.upper()]
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        pass
    if len(text) > 3:
        # Only names are searched loosely: an unknown code ("QQ", "XX") must not become
        # whichever country the fuzzy search ranks first (Greenland, Malta).
        try:
            return pycountry.countries.search_fuzzy(text)[0].alpha_2
        except LookupError:
            pass
    raise NotFound(f"no country named {value!r} (use an ISO 3166-1 code such as RU).")
