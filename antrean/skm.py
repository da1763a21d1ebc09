"""The national satisfaction survey (Survei Kepuasan Masyarakat, PermenPANRB 14/2017).

Pure code, no I/O: the hub, its exports and the city compute IKM with these functions, so
their figures cannot disagree.

The regulation's method, for ``n`` respondents who each scored the nine elements 1-4:

* per element, NRR (nilai rata-rata) = the element's total score / ``n``;
* NRR tertimbang = NRR × the element's weight, 1/9 each (the annex writes it 0.111);
* IKM unit pelayanan = Σ NRR tertimbang, i.e. the mean of the nine NRR;
* IKM (nilai konversi) = IKM unit pelayanan × 25, on 25-100, reported with two decimals;
* mutu pelayanan: A 88.31-100, B 76.61-88.30, C 65.00-76.60, D 25.00-64.99.

IKM is computed exactly (as a fraction) and rounded half up once, at the end: rounding the
NRR first (as some spreadsheets do) can move an IKM across a band's edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

__all__ = ["ELEMENTS", "ELEMENT_IDS", "Element", "PROFILE", "BANDS", "WEIGHT", "summary",
           "summary_from_totals", "tabulate", "tabulate_totals", "totals", "mutu", "kinerja",
           "min_sample", "weakest", "check_answers", "check_profile", "round_half_up"]


@dataclass(frozen=True)
class Element:
    """One of the nine survey elements (unsur) with the annex's question and answers.

    ``answers[i]`` is the wording of score ``i + 1`` (1 worst … 4 best).
    """

    id: str
    code: str  # U1 … U9, as the regulation's tabulation heads its columns
    name: str
    name_en: str
    question: str
    question_en: str
    answers: tuple[str, str, str, str]
    answers_en: tuple[str, str, str, str]


#: The nine elements in the regulation's order, with the annex's questionnaire wording.
ELEMENTS: tuple[Element, ...] = (
    Element("persyaratan", "U1", "Persyaratan", "Requirements",
            "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan "
            "jenis pelayanannya?",
            "How well do the requirements fit the service you received?",
            ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
            ("Not suitable", "Somewhat unsuitable", "Suitable", "Very suitable")),
    Element("prosedur", "U2", "Prosedur", "Procedure",
            "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
            "How easy was the procedure of this service?",
            ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
            ("Not easy", "Somewhat difficult", "Easy", "Very easy")),
    Element("waktu", "U3", "Waktu pelayanan", "Service time",
            "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
            "How fast was the service?",
            ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
            ("Not fast", "Somewhat slow", "Fast", "Very fast")),
    Element("biaya", "U4", "Biaya/tarif", "Cost/fee",
            "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
            "How fair was the cost or fee of the service?",
            ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
            ("Very expensive", "Rather expensive", "Cheap", "Free")),
    Element("produk", "U5", "Produk layanan", "Service product",
            "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang "
            "tercantum dalam standar pelayanan dengan hasil yang diberikan?",
            "Did what you received match what the service standard promises?",
            ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
            ("Not matching", "Somewhat different", "Matching", "Fully matching")),
    Element("kompetensi", "U6", "Kompetensi petugas", "Staff competence",
            "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
            "How competent were the staff who served you?",
            ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
            ("Not competent", "Somewhat incompetent", "Competent", "Very competent")),
    Element("perilaku", "U7", "Perilaku petugas", "Staff behaviour",
            "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait "
            "kesopanan dan keramahan?",
            "How polite and friendly were the staff?",
            ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah",
             "Sangat sopan dan ramah"),
            ("Not polite or friendly", "Somewhat impolite", "Polite and friendly",
             "Very polite and friendly")),
    Element("pengaduan", "U8", "Penanganan pengaduan", "Complaint handling",
            "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
            "How are complaints from service users handled?",
            ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal",
             "Dikelola dengan baik"),
            ("There is none", "Exists but does not work", "Works, not fully",
             "Well managed")),
    Element("sarana", "U9", "Sarana dan prasarana", "Facilities",
            "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
            "How good were the facilities?",
            ("Buruk", "Cukup", "Baik", "Sangat baik"),
            ("Poor", "Fair", "Good", "Very good")),
)
ELEMENT_IDS: tuple[str, ...] = tuple(e.id for e in ELEMENTS)

#: The weight of each element: equal, 1/9 (the annex rounds it to 0.111).
WEIGHT = Fraction(1, len(ELEMENTS))

#: The optional respondent profile: field → ((value, Indonesian, English), …).
#: Age is asked as a band, not a birth year: the least data the report needs (UU PDP).
PROFILE: dict[str, tuple[tuple[str, str, str], ...]] = {
    "usia": (("<20", "Di bawah 20 tahun", "Under 20"),
             ("20-29", "20–29 tahun", "20–29"),
             ("30-39", "30–39 tahun", "30–39"),
             ("40-49", "40–49 tahun", "40–49"),
             ("50-59", "50–59 tahun", "50–59"),
             ("60+", "60 tahun ke atas", "60 and over")),
    "jenis_kelamin": (("L", "Laki-laki", "Male"),
                      ("P", "Perempuan", "Female")),
    "pendidikan": (("sd", "SD ke bawah", "Primary or less"),
                   ("smp", "SMP/sederajat", "Junior secondary"),
                   ("sma", "SMA/sederajat", "Senior secondary"),
                   ("diploma", "D1–D3", "Diploma"),
                   ("s1", "D4/S1", "Bachelor's"),
                   ("s2", "S2 ke atas", "Master's or higher")),
    "pekerjaan": (("pns", "PNS", "Civil servant"),
                  ("tni", "TNI", "Armed forces"),
                  ("polri", "Polri", "Police"),
                  ("swasta", "Pegawai swasta", "Private employee"),
                  ("wirausaha", "Wirausaha", "Self-employed"),
                  ("lainnya", "Lainnya", "Other")),
}

#: Quality bands on the 25-100 scale: (lowest IKM of the band, mutu, kinerja, English).
BANDS: tuple[tuple[Decimal, str, str, str], ...] = (
    (Decimal("88.31"), "A", "Sangat baik", "Very good"),
    (Decimal("76.61"), "B", "Baik", "Good"),
    (Decimal("65.00"), "C", "Kurang baik", "Poor"),
    (Decimal("25.00"), "D", "Tidak baik", "Very poor"),
)


def round_half_up(x: Fraction | float | int, places: int) -> float:
    """Round as the regulation's worked examples do (0.125 → 0.13), not to even."""
    if isinstance(x, Fraction):
        d = Decimal(x.numerator) / Decimal(x.denominator)
    else:
        d = Decimal(str(x))
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _band(ikm: float) -> tuple[Decimal, str, str, str]:
    value = Decimal(str(ikm)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    for band in BANDS:
        if value >= band[0]:
            return band
    return BANDS[-1]  # below 25 cannot happen with scores 1-4


def mutu(ikm: float) -> str:
    """The quality band (A-D) of an IKM on the 25-100 scale, read at two decimals."""
    return _band(ikm)[1]


def kinerja(ikm: float, lang: str = "id") -> str:
    """The unit's performance in words: "Sangat baik" … "Tidak baik"."""
    band = _band(ikm)
    return band[3] if lang == "en" else band[2]


def check_answers(answers: Mapping[str, Any]) -> dict[str, int]:
    """The nine scores, each an integer 1-4, nothing else; ValueError names what is wrong."""
    missing = [e for e in ELEMENT_IDS if e not in answers]
    if missing:
        raise ValueError(f"missing element(s): {', '.join(missing)}")
    extra = sorted(set(answers) - set(ELEMENT_IDS))
    if extra:
        raise ValueError(f"unknown element(s): {', '.join(extra)}")
    out = {}
    for e in ELEMENT_IDS:
        v = answers[e]
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 4:
            raise ValueError(f"{e}: score must be an integer 1-4")
        out[e] = v
    return out


def check_profile(profile: Mapping[str, Any]) -> dict[str, str]:
    """Known fields with known values only (every field optional)."""
    out = {}
    for k, v in profile.items():
        allowed = PROFILE.get(k)
        if allowed is None:
            raise ValueError(f"unknown profile field: {k}")
        if v is None:
            continue
        if v not in {a[0] for a in allowed}:
            raise ValueError(f"{k}: not one of {', '.join(a[0] for a in allowed)}")
        out[k] = str(v)
    return out


def totals(answer_sets: Iterable[Mapping[str, int]]) -> tuple[int, dict[str, int]]:
    """(respondents, each element's total score): all the IKM needs, and what a city keeps
    (adding two posts' totals gives the IKM of all their respondents together)."""
    n, sums = 0, dict.fromkeys(ELEMENT_IDS, 0)
    for a in answer_sets:
        n += 1
        for e in ELEMENT_IDS:
            sums[e] += int(a[e])
    return n, sums


def _by_element(sums: Mapping[str, int] | Sequence[int]) -> dict[str, int]:
    if isinstance(sums, Mapping):
        return {e: int(sums[e]) for e in ELEMENT_IDS}
    if len(sums) != len(ELEMENT_IDS):
        raise ValueError(f"{len(ELEMENT_IDS)} element totals expected, got {len(sums)}")
    return {e: int(v) for e, v in zip(ELEMENT_IDS, sums, strict=True)}


def tabulate_totals(n: int, sums: Mapping[str, int] | Sequence[int]) -> dict[str, Any] | None:
    """:func:`tabulate` from the totals alone: ``n`` respondents and each element's total
    score (by element id, or in :data:`ELEMENT_IDS` order)."""
    if n <= 0:
        return None
    by = _by_element(sums)
    nrr = {e: Fraction(by[e], n) for e in ELEMENT_IDS}
    unit = sum((nrr[e] * WEIGHT for e in ELEMENT_IDS), Fraction(0))
    ikm = round_half_up(unit * 25, 2)
    return {"respondents": n, "totals": by, "nrr": nrr,
            "weighted": {e: nrr[e] * WEIGHT for e in ELEMENT_IDS},
            "ikm_unit": unit, "ikm": ikm, "mutu": mutu(ikm)}


def tabulate(answer_sets: Iterable[Mapping[str, int]]) -> dict[str, Any] | None:
    """The regulation's tabulation: per element total, NRR and NRR tertimbang; IKM; mutu.

    Values are exact fractions (the caller rounds for display); ``None`` with no
    respondents.
    """
    return tabulate_totals(*totals(answer_sets))


def summary_from_totals(n: int, sums: Mapping[str, int] | Sequence[int]
                        ) -> dict[str, Any] | None:
    """:func:`summary` from ``n`` respondents and each element's total score: the city's
    roll-ups keep only these, and this is the one place both compute the IKM from."""
    tab = tabulate_totals(n, sums)
    if tab is None:
        return None
    return {"respondents": tab["respondents"],
            "nrr": {e: round_half_up(v, 3) for e, v in tab["nrr"].items()},
            "ikm": tab["ikm"], "mutu": tab["mutu"]}


def summary(answer_sets: Iterable[Mapping[str, int]]) -> dict[str, Any] | None:
    """``{"respondents", "nrr": {element: float}, "ikm", "mutu"}`` as ``/stats`` gives it
    (NRR to three decimals, IKM to two), or ``None`` with no respondents."""
    return summary_from_totals(*totals(answer_sets))


def weakest(nrr: Mapping[str, float]) -> list[str]:
    """Element ids, lowest NRR first (ties in the regulation's order): what to fix first."""
    order = {e: i for i, e in enumerate(ELEMENT_IDS)}
    return sorted(nrr, key=lambda e: (nrr[e], order.get(e, 99)))


def min_sample(population: int, *, chi2: float = 3.841, p: float = 0.5, d: float = 0.05) -> int:
    """Krejcie–Morgan, as the regulation's annex uses:
    s = χ²·N·P(1−P) / (d²(N−1) + χ²·P(1−P)), rounded to the nearest whole respondent as the
    annex's table is (N=50 → 44, N=100 → 80, N=1000 → 278). 0 for no population."""
    if population <= 0:
        return 0
    s = chi2 * population * p * (1 - p) / (d * d * (population - 1) + chi2 * p * (1 - p))
    return max(1, min(population, int(round_half_up(s, 0))))
