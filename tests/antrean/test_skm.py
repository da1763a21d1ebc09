"""The SKM arithmetic (antrean.skm) against a hand-worked tabulation."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from antrean import skm

E = skm.ELEMENT_IDS  # persyaratan, prosedur, waktu, biaya, produk, kompetensi, perilaku,
                     # pengaduan, sarana

# Four respondents, in the regulation's column order U1 … U9.
RESPONDENTS = [
    (4, 4, 3, 4, 3, 4, 4, 2, 3),
    (3, 3, 3, 4, 3, 3, 4, 2, 3),
    (4, 3, 2, 4, 3, 3, 4, 1, 2),
    (3, 2, 2, 4, 4, 3, 3, 3, 3),
]
ANSWERS = [dict(zip(E, r, strict=True)) for r in RESPONDENTS]

# By hand:
#   totals    U1 14  U2 12  U3 10  U4 16  U5 13  U6 13  U7 15  U8 8  U9 11   (Σ = 112)
#   NRR = total / 4:
#             3.50   3.00   2.50   4.00   3.25   3.25   3.75   2.00  2.75    (Σ = 28.00)
#   NRR tertimbang = NRR × 1/9; IKM unit = Σ = 28 / 9 = 3.1111…
#   IKM = 3.1111… × 25 = 77.777… → 77.78, within B (76.61-88.30): "Baik".
#   (With the annex's rounded weight 0.111: 28 × 0.111 × 25 = 77.70, also B.)
HAND_TOTALS = {"persyaratan": 14, "prosedur": 12, "waktu": 10, "biaya": 16, "produk": 13,
               "kompetensi": 13, "perilaku": 15, "pengaduan": 8, "sarana": 11}
HAND_NRR = {"persyaratan": 3.5, "prosedur": 3.0, "waktu": 2.5, "biaya": 4.0, "produk": 3.25,
            "kompetensi": 3.25, "perilaku": 3.75, "pengaduan": 2.0, "sarana": 2.75}


def test_ikm_of_a_known_set_equals_the_hand_calculation():
    s = skm.summary(ANSWERS)
    assert s == {"respondents": 4, "nrr": HAND_NRR, "ikm": 77.78, "mutu": "B"}
    assert skm.kinerja(s["ikm"]) == "Baik" and skm.kinerja(s["ikm"], "en") == "Good"


def test_the_tabulation_has_the_annex_columns():
    tab = skm.tabulate(ANSWERS)
    assert tab is not None
    assert tab["totals"] == HAND_TOTALS
    assert tab["nrr"]["pengaduan"] == Fraction(2)
    assert tab["weighted"]["persyaratan"] == Fraction(7, 2) / 9
    assert tab["ikm_unit"] == Fraction(28, 9)
    assert (tab["ikm"], tab["mutu"]) == (77.78, "B")


def test_no_respondents_is_none():
    assert skm.summary([]) is None and skm.tabulate([]) is None


def test_the_weakest_elements_come_first():
    assert skm.weakest(HAND_NRR)[:3] == ["pengaduan", "waktu", "sarana"]
    # ties keep the regulation's order (produk U5 before kompetensi U6)
    assert skm.weakest(HAND_NRR).index("produk") < skm.weakest(HAND_NRR).index("kompetensi")


@pytest.mark.parametrize(("ikm", "band"), [
    (100.0, "A"), (88.31, "A"), (88.30, "B"), (76.61, "B"), (76.60, "C"), (65.0, "C"),
    (64.99, "D"), (25.0, "D"), (88.305, "A"), (88.3049, "B")])
def test_bands_at_their_edges(ikm, band):
    assert skm.mutu(ikm) == band


def test_all_best_and_all_worst():
    assert skm.summary([dict.fromkeys(E, 4)])["ikm"] == 100.0
    worst = skm.summary([dict.fromkeys(E, 1)] * 3)
    assert worst["ikm"] == 25.0 and worst["mutu"] == "D"


def test_rounding_is_half_up_as_the_annex_does():
    assert skm.round_half_up(Fraction(77785, 1000), 2) == 77.79  # float round() gives 77.78
    assert skm.round_half_up(0.125, 2) == 0.13


@pytest.mark.parametrize(("population", "sample"), [
    (0, 0), (1, 1), (10, 10), (50, 44), (100, 80), (200, 132), (300, 169), (1000, 278),
    (10000, 370)])
def test_krejcie_morgan_minimum_sample_matches_the_annex_table(population, sample):
    assert skm.min_sample(population) == sample


def test_answer_and_profile_checks():
    good = dict.fromkeys(E, 3)
    assert skm.check_answers(good) == good
    for bad in ({**good, "waktu": 5}, {**good, "waktu": 0}, {**good, "waktu": "3"},
                {**good, "waktu": True}, {**good, "waktu": 2.5}, {**good, "lain": 3},
                {k: v for k, v in good.items() if k != "sarana"}):
        with pytest.raises(ValueError):
            skm.check_answers(bad)
    assert skm.check_profile({"usia": "30-39", "jenis_kelamin": "P", "pekerjaan": None}) == {
        "usia": "30-39", "jenis_kelamin": "P"}
    for bad in ({"usia": "31"}, {"agama": "x"}, {"jenis_kelamin": "X"}):
        with pytest.raises(ValueError):
            skm.check_profile(bad)


def test_every_element_has_four_answers_in_both_languages():
    assert len(skm.ELEMENTS) == 9
    assert [e.code for e in skm.ELEMENTS] == [f"U{i}" for i in range(1, 10)]
    for e in skm.ELEMENTS:
        assert len(e.answers) == 4 and len(e.answers_en) == 4
        assert e.question.endswith("?") and e.question_en.endswith("?")


def _random_sets(rng: random.Random) -> list[dict[str, int]]:
    # mostly good answers, as residents give them, with every score possible
    weights = rng.choice([(1, 1, 1, 1), (1, 2, 6, 4), (3, 3, 2, 1), (0, 0, 1, 9)])
    return [{e: rng.choices((1, 2, 3, 4), weights)[0] for e in skm.ELEMENT_IDS}
            for _ in range(rng.choice([1, 2, 3, 7, 40, 333]))]


def test_the_ikm_from_totals_is_the_ikm_from_the_answers():
    """What the city computes from its roll-ups (n, per-element sums) is what the hub
    computes from the answers: random sets, and their unions (two posts' totals added)."""
    rng = random.Random(14_2017)
    for _ in range(400):
        a, b = _random_sets(rng), _random_sets(rng)
        (na, sa), (nb, sb) = skm.totals(a), skm.totals(b)
        assert skm.summary_from_totals(na, sa) == skm.summary(a)
        ordered = [sa[e] for e in skm.ELEMENT_IDS]  # the city's int[9], ELEMENT_IDS order
        assert skm.summary_from_totals(na, ordered) == skm.summary(a)
        added = [x + y for x, y in zip(ordered, (sb[e] for e in skm.ELEMENT_IDS), strict=True)]
        assert skm.summary_from_totals(na + nb, added) == skm.summary(a + b)
        assert skm.tabulate_totals(na, sa) == skm.tabulate(a)


def test_totals_of_nobody_and_of_the_wrong_length():
    assert skm.summary_from_totals(0, [0] * 9) is None
    with pytest.raises(ValueError, match="9 element totals"):
        skm.summary_from_totals(1, [4] * 8)
