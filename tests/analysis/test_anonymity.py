"""k-anonymity of the research tables: places generalised step by step, then suppressed or withheld."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klynge.analysis.anonymity import band, generalise, suppress_small


def _frame(rows):
    return pd.DataFrame(rows, columns=["organisation", "municipality", "area", "country", "kind", "size"])


def test_small_cells_move_to_the_area_then_the_country_and_the_rest_is_withheld():
    rows = [(f"m{i}", "5021", "oppdal", "NO", "company", "micro") for i in range(3)]
    codes = ("5001", "5029", "5028")
    rows += [(f"a{i}", code, "trondheim", "NO", "company", "small") for i, code in enumerate(codes, 1)]
    rows += [("c1", "5014", "hitra", "NO", "bank", "large"), ("c2", "5001", "trondheim", "NO", "bank", "large"),
             ("c3", "5056", "innherred", "NO", "bank", "large")]
    rows += [("lone", "2321", "jamtland", "SE", "museum", "small")]
    out = generalise(_frame(rows), 3).set_index("organisation")
    assert (out.loc[["m0", "m1", "m2"], "place_level"] == "municipality").all()
    assert (out.loc[["a1", "a2", "a3"], "place_level"] == "area").all()
    assert (out.loc[["a1"], "municipality"] == "").all() and out.loc["a1", "area"] == "trondheim"
    assert (out.loc[["c1", "c2", "c3"], "place_level"] == "country").all() and out.loc["c1", "area"] == ""
    assert out.loc["lone", "place_level"] == "withheld" and out.loc["lone", "kind"] == "" == out.loc["lone", "country"]


def test_leftovers_that_are_k_together_are_kept_suppressed():
    rows = [(f"o{i}", f"50{i:02}", f"area{i}", "NO" if i % 2 else "SE", f"kind{i}", "micro") for i in range(3)]
    out = generalise(_frame(rows), 3)
    assert (out["place_level"] == "suppressed").all() and (out[["municipality", "kind", "size"]] == "").all().all()
    with pytest.raises(ValueError):
        generalise(_frame(rows), 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["5001", "5021", "5014", "2321", "2380"]),
                          st.sampled_from(["company", "museum", "bank"]), st.sampled_from(["micro", "small"])),
                min_size=1, max_size=40),
       st.integers(min_value=1, max_value=5))
def test_every_published_cell_holds_k_organisations(rows, k):
    area = {"5001": "trondheim", "5021": "oppdal", "5014": "trondheim", "2321": "jamtland", "2380": "jamtland"}
    frame = _frame([(f"o{i}", m, area[m], "SE" if m.startswith("23") else "NO", kind, size)
                    for i, (m, kind, size) in enumerate(rows)])
    out = generalise(frame, k)
    published = out[out["place_level"] != "withheld"]
    sizes = published.groupby(["place_level", "municipality", "area", "country", "kind", "size"]).size()
    assert (sizes >= k).all()
    assert len(out) == len(frame) and set(out["organisation"]) == set(frame["organisation"])


def test_bands_and_small_counts():
    assert [band(v, (1, 10, 20)) for v in (0, 1, 9, 10, 25, None)] == ["<1", "1-9", "1-9", "10-19", "20+", ""]
    counts = pd.DataFrame({"sector": ["food"] * 3, "month": [1, 2, 3], "organisations": [0, 2, 5],
                           "offers": [0, 4, 9]})
    out = suppress_small(counts, "organisations", 3)
    assert out["suppressed"].tolist() == [False, True, False]
    assert out["organisations"].isna().tolist() == [False, True, False] and out["offers"].isna().tolist()[1]
