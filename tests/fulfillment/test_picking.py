"""walk_order: the order a picker walks the warehouse in."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from orderworks.fulfillment.picking import natural_key, walk_order


@dataclass(frozen=True)
class Entry:
    location_code: str
    bin: str | None
    sku: str
    order_number: str = ""


def test_bins_sort_in_natural_order_then_sku_and_bins_missing_last() -> None:
    entries = [Entry("MAIN", "A-10", "X"), Entry("MAIN", "A-2", "B"), Entry("MAIN", None, "A"),
               Entry("MAIN", "A-2", "A"), Entry("MAIN", "B-1", "A"), Entry("EAST", "Z-9", "A"),
               Entry("MAIN", "a-3", "A")]
    assert [(e.location_code, e.bin, e.sku) for e in walk_order(entries)] == [
        ("EAST", "Z-9", "A"), ("MAIN", "A-2", "A"), ("MAIN", "A-2", "B"), ("MAIN", "a-3", "A"),
        ("MAIN", "A-10", "X"), ("MAIN", "B-1", "A"), ("MAIN", None, "A")]


def test_natural_key_compares_digit_runs_as_numbers() -> None:
    bins = ["A-10", "A-2", "A-1-10", "A-1-9", "B", "A", "A-02", "10", "9"]
    assert sorted(bins, key=natural_key) == ["9", "10", "A", "A-1-9", "A-1-10", "A-02", "A-2", "A-10", "B"]


bins = st.one_of(st.none(), st.builds(lambda aisle, n, shelf: f"{aisle}-{n}" + (f"-{shelf}" if shelf else ""),
                                      st.sampled_from("ABCab"), st.integers(0, 120), st.integers(0, 12)),
                 st.text(alphabet="AB-09x", max_size=6))
entries = st.lists(st.builds(Entry, st.sampled_from(["EAST", "MAIN", "WEST"]), bins,
                             st.text(alphabet="ABC-12", min_size=1, max_size=5), st.sampled_from(["#1", "#2"])),
                   max_size=40)


@given(entries, st.randoms(use_true_random=False))
def test_walk_order_is_a_stable_permutation_grouped_by_location_then_bin(given_entries: list[Entry],
                                                                         rnd: random.Random) -> None:
    walked = walk_order(given_entries)

    assert sorted(walked, key=repr) == sorted(given_entries, key=repr)  # nothing lost, nothing added
    shuffled = list(given_entries)
    rnd.shuffle(shuffled)
    assert walk_order(shuffled) == walked  # the input's order does not matter
    for a, b in itertools.pairwise(walked):
        assert a.location_code <= b.location_code
        if a.location_code == b.location_code:
            assert not (a.bin is None and b.bin is not None)  # entries without a bin come last
            if a.bin is not None and b.bin is not None:
                assert natural_key(a.bin) <= natural_key(b.bin)
                if a.bin == b.bin:
                    assert natural_key(a.sku) <= natural_key(b.sku)
    # every location is visited once: its entries are contiguous
    seen = [e.location_code for e in walked]
    assert len({loc for loc in seen}) == len([loc for i, loc in enumerate(seen) if i == 0 or seen[i - 1] != loc])


@given(st.sampled_from("ABC"), st.integers(0, 10_000), st.integers(0, 10_000))
def test_numbered_bins_follow_their_numbers(aisle: str, m: int, n: int) -> None:
    walked = walk_order([Entry("MAIN", f"{aisle}-{n}", "S"), Entry("MAIN", f"{aisle}-{m}", "S")])
    assert [int(e.bin.split("-")[1]) for e in walked if e.bin] == sorted([m, n])
