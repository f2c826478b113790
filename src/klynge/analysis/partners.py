"""The partner finder: every other member ranked for each member, with the parts of the score as reasons.

A pair's score is the weighted sum of five parts, each between 0 and 1 (:data:`WEIGHTS`):

- **complementarity**: ``FILL_SHARE`` of it is how much of what I lack the partner's offers
  fill: each month and offer kind I have no offer of counts 1 in a month I am open (a bed
  for my activity, a meal, transport) and 0.5 in a month I am closed; the rest is how many
  of the kinds of partner my canvas names under key partners and key resources the partner
  is (its organisation kind, or a kind of offer it sells), or all of it when my canvas names
  the partner itself;
- **nearness**: travel time ``t`` minutes: ``1 - t / 120`` within the hour (1 to 0.5),
  ``30 / t`` beyond it (0.5 and falling), 0 when unknown;
- **low_season**: months of my area's low season in which both of us are open, over my low months;
- **sdg**: the cosine between our SDG profiles (per goal, the summed relevance of the
  targets we do good or no harm to), from confirmed entries shared with the cluster;
- **phase**: what a partner of its kind is worth in my development phase
  (:data:`PHASE_FIT`): at idea or concept, public support, research, banks and investor
  networks; at launch, channels (tour operators, destination companies) and customers.

Only what members share with the cluster is read: private notes and private or unconfirmed
SDG entries are left out before any feature is built, so they can neither shape nor show in
anyone's ranking. :func:`partner_features` turns domain models into arrays;
:func:`rank_partners` scores all pairs with matrix products, by blocks of rows on all cores,
and keeps each member's top k (``argpartition``); :func:`pair_parts` is the same score for one
pair in plain Python (for explaining one suggestion, and as the reference the vectorised
ranking is tested against). :func:`klynge.analysis.network.network` draws the
facilitator's graph from the ranking.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
import pandas as pd

from ..i18n import t
from ..model import CanvasDocument, Offer, Organisation, SdgAssessment
from ..model.base import COUNTRIES, ORGANISATION_KINDS, PHASES
from ..model.offer import OFFER_KINDS
from ..stopwords import stop_words

__all__ = [
    "CONCEPTS",
    "FILL_SHARE",
    "NEED_BLOCKS",
    "PARTS",
    "PHASE_FIT",
    "WEIGHTS",
    "PartnerFeatures",
    "missing",
    "nearness",
    "pair_parts",
    "partner_features",
    "rank_partners",
]

PARTS = ("complementarity", "nearness", "low_season", "sdg", "phase")
#: Weight of each part in the total; they sum to 1, so the total lies between 0 and 1.
WEIGHTS = {"complementarity": 0.35, "nearness": 0.25, "low_season": 0.15, "sdg": 0.10, "phase": 0.15}
#: Share of complementarity that comes from offers filling my gaps; the rest from my canvas.
FILL_SHARE = 0.6
#: The canvas blocks whose shared notes say what partners a member looks for.
NEED_BLOCKS = ("key_partners", "key_resources")
#: What a canvas can name and a partner can be: the offer kinds, then the organisation kinds.
CONCEPTS = tuple(OFFER_KINDS) + tuple(ORGANISATION_KINDS)
LIMIT = 60.0
_K = len(OFFER_KINDS)

#: Per phase of mine, what a partner of each kind is worth (0 to 1); kinds not named: 0.3.
PHASE_FIT = {
    "idea": {"public_support": 1.0, "academia": 1.0, "bank": 0.9, "investor_network": 0.9, "consultant": 0.7,
             "destination_company": 0.5, "trekking_association": 0.4, "landowner": 0.4, "museum": 0.4},
    "concept": {"public_support": 1.0, "academia": 0.9, "bank": 0.9, "investor_network": 0.9, "consultant": 0.8,
                "destination_company": 0.6, "landowner": 0.5, "customer": 0.5},
    "prototype": {"company": 0.7, "supplier": 0.7, "customer": 0.7, "landowner": 0.6, "academia": 0.6,
                  "public_support": 0.6, "consultant": 0.5, "destination_company": 0.6, "trekking_association": 0.5,
                  "reindeer_herding": 0.5, "museum": 0.5},
    "launch": {"tour_operator": 1.0, "customer": 1.0, "destination_company": 1.0, "company": 0.6,
               "insurer": 0.5, "trekking_association": 0.5, "supplier": 0.5, "bank": 0.4},
    "scale": {"investor_network": 0.9, "bank": 0.8, "tour_operator": 0.8, "customer": 0.8,
              "destination_company": 0.7, "insurer": 0.6, "supplier": 0.6, "company": 0.5},
}
_FIT = np.array([[PHASE_FIT[p].get(k, 0.3) for k in ORGANISATION_KINDS] for p in PHASES], dtype=np.float32)

# Words (bokmål, Swedish, English) that name a concept in a key-partner or key-resource note;
# a trailing * matches any ending.
_LEXICON = {
    "accommodation": "overnatt* hotell* hotel* hytte* stug* boende logi losji seng* säng* bed beds camping* "
                     "vandrarhem* lodge* gjestehus* gästhus* accommodation* pensjonat*",
    "meal": "mat måltid* restaurang* restaurant* kafe* kafé* cafe* café* servering* meal* food catering* lunsj "
            "lunch middag* dinner* frokost* frukost* breakfast* kokk* kock*",
    "transport": "transport* taxi* buss* bus ferje* färja* ferry båt* boat* tog tåg train* skyss* transfer* "
                 "shuttle*",
    "activity": "aktivitet* activit* guid* opplevelse* upplevelse* experience* padl* paddl* kajakk* "
                "kajak* kayak* fiske* fishing",
    "culture": "kultur* culture* cultural konsert* concert* historie* histori* history kunst* konst*",
    "venue": "møterom* mötesrum* konferanse* konferens* conference* venue* selskapslokale*",
    "public_support": "innovasjon almi kommune* kommun* fylke* county municipal* tillväxtverket länsstyrels* "
                      "virkemiddel* mentor*",
    "bank": "bank* sparebank* sparbank* lån loan* kreditt* kredit*",
    "insurer": "forsikring* försäkring* insur*",
    "investor_network": "investor* invester* investering* kapital* capital venture* angel*",
    "consultant": "konsulent* konsult* consult* rådgiv* advis* mentor*",
    "academia": "forsk* research* universit* høgskol* högskol* ntnu akademi* academ*",
    "trekking_association": "dnt stf turistforening* turistförening* trekking*",
    "landowner": "grunneier* markägare* landowner* statskog sveaskog fjellstyre* fjällstyre* allmenning*",
    "reindeer_herding": "reindrift* renskötsel* sameby* reinbeite* reindeer* siida*",
    "museum": "muse*",
    "customer": "kunde* kund* customer* gjest* gäst* guest*",
    "supplier": "leverandør* leverantör* supplier* råvare* råvar* produsent* producent* grossist*",
    "tour_operator": "reisebyrå* resebyrå* touroperat* turoperatør* researrangör* reisearrangør* incoming dmc "
                     "agent*",
    "destination_company": "destinasjon* destination* reiseliv* visit",
    "company": "bedrift* företag* company companies firma*",
}
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_TOKEN = re.compile(r"\w+", re.UNICODE)


def _lexicon() -> tuple[dict[str, frozenset[int]], tuple[tuple[str, int], ...]]:
    exact: dict[str, set[int]] = {}
    prefixes = []
    for concept, words in _LEXICON.items():
        c = CONCEPTS.index(concept)
        for word in words.split():
            if word.endswith("*"):
                prefixes.append((word[:-1], c))
            else:
                exact.setdefault(word, set()).add(c)
    return {w: frozenset(cs) for w, cs in exact.items()}, tuple(prefixes)


_EXACT, _PREFIXES = _lexicon()


@cache
def _concepts_of(word: str) -> frozenset[int]:
    """The concepts a lower-case word names (cached: a cluster's notes reuse few distinct words)."""
    return _EXACT.get(word, frozenset()) | {c for p, c in _PREFIXES if word.startswith(p)}


def concepts_in(text: str) -> set[str]:
    """The concepts (offer or organisation kinds) a note's text names, stop words left out."""
    stop = stop_words()
    return {CONCEPTS[c] for w in _WORD.findall(text.lower()) if w not in stop for c in _concepts_of(w)}


@dataclass(frozen=True)
class PartnerFeatures:
    """The members as arrays, in one order: what the ranking reads, and nothing private.

    Attributes
    ----------
    ids, names
        The organisations' ids and names.
    kind, phase, country
        Positions in ``ORGANISATION_KINDS``, ``PHASES`` and ``COUNTRIES``.
    offers
        ``(n, 12, len(OFFER_KINDS))`` booleans: an offer of that kind open in that month.
    low
        ``(n, 12)`` booleans: the low months of the member's area.
    needs
        ``(n, len(CONCEPTS))`` booleans: concepts the shared key-partner and key-resource notes name.
    sdg
        ``(n, 17)`` SDG profile per goal from confirmed, shared entries.
    mentions
        ``(m, 2)`` positions ``(i, j)``: member i's shared notes in those blocks name member j.
    located, has_canvas
        Whether the member has coordinates, and shared notes in :data:`NEED_BLOCKS`.
    """

    ids: np.ndarray
    names: tuple[str, ...]
    kind: np.ndarray
    phase: np.ndarray
    country: np.ndarray
    offers: np.ndarray
    low: np.ndarray
    needs: np.ndarray
    sdg: np.ndarray
    mentions: np.ndarray
    located: np.ndarray
    has_canvas: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def open(self) -> np.ndarray:
        """``(n, 12)``: months in which the member has any offer open."""
        return self.offers.any(axis=2)

    @cached_property
    def provides(self) -> np.ndarray:
        """``(n, len(CONCEPTS))``: the kinds of offer the member sells and its organisation kind."""
        out = np.zeros((len(self), len(CONCEPTS)), dtype=bool)
        out[:, :_K] = self.offers.any(axis=1)
        out[np.arange(len(self)), _K + self.kind] = True
        return out

    @cached_property
    def lacks(self) -> np.ndarray:
        """``(n, 12 * kinds)``: weight of each month and kind the member lacks (1 when open, 0.5 when closed)."""
        weight = np.where(self.open, 1.0, 0.5)[:, :, None] * ~self.offers
        return weight.reshape(len(self), -1).astype(np.float32)

    @cached_property
    def profile(self) -> np.ndarray:
        """SDG profiles scaled to length 1 (zero rows stay zero): their dot product is the cosine."""
        norm = np.linalg.norm(self.sdg, axis=1, keepdims=True)
        return np.divide(self.sdg, norm, out=np.zeros_like(self.sdg, dtype=np.float32), where=norm > 0)

    @cached_property
    def named(self) -> frozenset[tuple[int, int]]:
        return frozenset(map(tuple, self.mentions.tolist()))


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text.lower()))


def _mentions(names: Sequence[str], notes: Mapping[int, Sequence[str]]) -> np.ndarray:
    """Pairs (i, j) where a note of member i names member j (its whole name, in any case)."""
    stop = stop_words()
    index: dict[tuple[str, ...], list[int]] = {}
    for j, name in enumerate(names):
        key = _tokens(name)
        if key and not all(w in stop for w in key) and len("".join(key)) >= 3:
            index.setdefault(key, []).append(j)
    longest = max((len(k) for k in index), default=0)
    pairs = set()
    for i, texts in notes.items():
        for text in texts:
            words = _tokens(text)
            for start in range(len(words)):
                for size in range(1, min(longest, len(words) - start) + 1):
                    pairs.update((i, j) for j in index.get(words[start:start + size], ()) if j != i)
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)


def _shared_texts(canvases: Mapping[str, CanvasDocument], template: str = "business_model") -> list[str]:
    """Texts of the notes in :data:`NEED_BLOCKS` the cluster may see: the rule of :func:`.member.shared_notes`,
    without building a DataFrame per member (ten thousand of them cost seconds)."""
    doc = canvases.get(template)
    return [n.text for n in (doc.notes if doc else []) if n.block in NEED_BLOCKS and n.visibility != "private"
            and n.text.strip()]


def _shared_goals(sdg: SdgAssessment | None) -> list[tuple[int, int]]:
    """(goal, relevance) of the confirmed entries shared with the cluster that do good or no harm."""
    return [(int(e.target.split(".")[0]), int(e.relevance)) for e in (sdg.entries if sdg else [])
            if e.confirmed and e.visibility != "private" and e.impact >= 0]


def partner_features(organisations: Sequence[Organisation], offers: Mapping[int, Iterable[Offer]],
                     canvases: Mapping[int, Mapping[str, CanvasDocument]],
                     sdg: Mapping[int, SdgAssessment | None],
                     low_months: Mapping[int, Sequence[int]] | None = None) -> PartnerFeatures:
    """The arrays :func:`rank_partners` reads, from the members' domain models.

    Parameters
    ----------
    organisations
        The members, with ids.
    offers, canvases, sdg
        Per organisation id: its offers, its canvases by template, its SDG assessment.
    low_months
        Per organisation id, the low months of its area; by default from the reference data
        for its municipality (September to April where there is none).

    Private notes and private or unconfirmed SDG entries are dropped here, before any feature.
    """
    from .. import reference
    from ..errors import NotFound

    n = len(organisations)
    kinds = {k: i for i, k in enumerate(OFFER_KINDS)}
    offer_cube = np.zeros((n, 12, _K), dtype=bool)
    low = np.zeros((n, 12), dtype=bool)
    needs = np.zeros((n, len(CONCEPTS)), dtype=bool)
    profile = np.zeros((n, 17), dtype=np.float32)
    has_canvas = np.zeros(n, dtype=bool)
    notes: dict[int, list[str]] = {}
    for i, org in enumerate(organisations):
        for offer in offers.get(org.id, ()):
            offer_cube[i, np.asarray(offer.months, dtype=int) - 1, kinds[offer.kind]] = True
        if low_months is not None and org.id in low_months:
            months = low_months[org.id]
        else:
            try:
                months = reference.low_months(reference.area_of(org.municipality))
            except NotFound:
                months = reference.DEFAULT_LOW_MONTHS
        low[i, np.asarray(months, dtype=int) - 1] = True
        texts = _shared_texts(canvases.get(org.id, {}))  # private notes never pass
        has_canvas[i] = bool(texts)
        notes[i] = texts
        for text in texts:
            needs[i, [CONCEPTS.index(c) for c in concepts_in(text)]] = True
        for goal, relevance in _shared_goals(sdg.get(org.id)):  # nor private or unconfirmed entries
            profile[i, goal - 1] += relevance
    names = tuple(o.name for o in organisations)
    return PartnerFeatures(
        ids=np.array([o.id for o in organisations], dtype=np.int64), names=names,
        kind=np.array([ORGANISATION_KINDS.index(o.kind) for o in organisations], dtype=np.int64).reshape(n),
        phase=np.array([PHASES.index(o.phase) for o in organisations], dtype=np.int64).reshape(n),
        country=np.array([COUNTRIES.index(o.country) for o in organisations], dtype=np.int64).reshape(n),
        offers=offer_cube, low=low, needs=needs, sdg=profile, mentions=_mentions(names, notes),
        located=np.array([o.lat is not None and o.lon is not None for o in organisations], dtype=bool).reshape(n),
        has_canvas=has_canvas)


def missing(features: PartnerFeatures, lang: str = "en") -> pd.DataFrame:
    """Per member, what the ranking had to do without: ``coordinates``, ``offers``, ``canvas``, ``sdg``.

    ``missing`` holds the codes, ``texts`` the sentences in ``lang`` saying what each means
    for the ranking. Such a member is still ranked, with what exists.
    """
    gaps = {"coordinates": ~features.located, "offers": ~features.offers.any(axis=(1, 2)),
            "canvas": ~features.has_canvas, "sdg": ~(features.sdg > 0).any(axis=1)}
    codes = [tuple(c for c, flags in gaps.items() if flags[i]) for i in range(len(features))]
    return pd.DataFrame({"member": features.ids, "name": features.names, "missing": codes,
                         "texts": [tuple(t(f"partners.missing.{c}", lang) for c in cs) for cs in codes]})


def nearness(minutes: np.ndarray, limit: float = LIMIT, weight: float = 1.0) -> np.ndarray:
    """Nearness of travel ``minutes``: ``1 - t / (2 limit)`` within the limit, ``limit / (2 t)`` beyond, 0 for NaN.

    Times ``weight``. Worked out as ``max(1/2 - t / (2 limit), 0) + min(limit / (2 t), 1/2)``
    (the first term is 0 beyond the limit, the second 1/2 within it), in a few passes over
    the block; NaN gives 0.
    """
    t_ = np.asarray(minutes, dtype=np.float32)
    near = np.multiply(t_, np.float32(-weight / (2 * limit)))
    near += np.float32(weight / 2)
    np.fmax(near, np.float32(0), out=near)  # fmax: NaN gives 0
    with np.errstate(divide="ignore"):
        far = np.divide(np.float32(weight * limit / 2), t_)
    np.nan_to_num(far, copy=False, nan=0.0)
    np.minimum(far, np.float32(weight / 2), out=far)
    near += far
    return near


def _add_nearness(total: np.ndarray, travel: np.ndarray, limit: float, weight: float, rows: int = 32) -> None:
    """``total += weight * nearness(travel)`` for finite or infinite (unknown) ``travel``, in place.

    The same formula as :func:`nearness` in seven passes over a few rows at a time, so the
    temporary stays in the processor's cache.
    """
    a, b = np.float32(-weight / (2 * limit)), np.float32(weight / 2)
    c, zero = np.float32(weight * limit / 2), np.float32(0)
    scratch = np.empty((rows, total.shape[1]), dtype=np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, len(total), rows):
            t_, out = travel[start:start + rows], total[start:start + rows]
            tmp = scratch[:len(t_)]
            np.multiply(t_, a, out=tmp)
            tmp += b
            np.maximum(tmp, zero, out=tmp)
            out += tmp
            np.divide(c, t_, out=tmp)
            np.minimum(tmp, b, out=tmp)
            out += tmp


def _sides(f: PartnerFeatures, weights: Mapping[str, float]):
    """Matrices A (me) and B (partner) whose product is every linear part of the score, weighted.

    Complementarity's two halves, shared low-season months, the SDG cosine and the phase fit
    are each a dot product of something of mine with something of the partner's, so one
    matrix product gives their weighted sum for all pairs.
    """
    n = len(f)
    lacks = f.lacks
    fill = lacks / np.maximum(lacks.sum(axis=1, keepdims=True), 1e-9)
    needs = f.needs.astype(np.float32)
    canvas = needs / np.maximum(needs.sum(axis=1, keepdims=True), 1)
    mine_low = (f.low & f.open).astype(np.float32) / np.maximum(f.low.sum(axis=1, keepdims=True), 1)
    wc = weights["complementarity"]
    a = np.hstack([wc * FILL_SHARE * fill, wc * (1 - FILL_SHARE) * canvas, weights["low_season"] * mine_low,
                   weights["sdg"] * f.profile, weights["phase"] * _FIT[f.phase]]).astype(np.float32)
    kind = np.zeros((n, len(ORGANISATION_KINDS)), dtype=np.float32)
    kind[np.arange(n), f.kind] = 1
    b = np.hstack([f.offers.reshape(n, -1), f.provides, f.open, f.profile, kind]).astype(np.float32)
    return np.ascontiguousarray(a), np.ascontiguousarray(b), canvas


def _candidates(f: PartnerFeatures, kinds, phases, countries) -> np.ndarray:
    keep = np.ones(len(f), dtype=bool)
    for values, column, vocabulary in ((kinds, f.kind, ORGANISATION_KINDS), (phases, f.phase, PHASES),
                                       (countries, f.country, COUNTRIES)):
        if values is not None:
            unknown = set(values) - set(vocabulary)
            if unknown:
                raise ValueError(f"unknown filter values {sorted(unknown)}; known: {', '.join(vocabulary)}")
            keep &= np.isin(column, [vocabulary.index(v) for v in values])
    return keep


Minutes = np.ndarray | Callable[[np.ndarray], np.ndarray] | None


def _block_minutes(minutes: Minutes, rows: np.ndarray, n: int) -> np.ndarray:
    if minutes is None:
        return np.full((len(rows), n), np.nan, dtype=np.float32)
    block = minutes(rows) if callable(minutes) else np.asarray(minutes)[rows]
    block = np.array(block, dtype=np.float32)  # a copy: unknown times are marked in it, not in the caller's data
    if block.shape != (len(rows), n):
        raise ValueError(f"travel minutes for {len(rows)} members must be {len(rows)} x {n}, got {block.shape}")
    return block


def rank_partners(features: PartnerFeatures, minutes: Minutes = None, *, k: int | None = 10,
                  members: Sequence[int] | None = None, kinds: Iterable[str] | None = None,
                  phases: Iterable[str] | None = None, countries: Iterable[str] | None = None,
                  within_hour: bool = False, limit: float = LIMIT, weights: Mapping[str, float] = WEIGHTS,
                  block: int = 512, workers: int | None = None) -> pd.DataFrame:
    """Each member's best partners among the others, with the parts of the score.

    Parameters
    ----------
    features
        :func:`partner_features`.
    minutes
        Travel minutes between members in ``features``' order: an ``(n, n)`` array, a function
        of an array of row positions returning those rows (so a large cluster's matrix need not
        be held at once), or None (nearness then counts 0). NaN means unknown. From
        :mod:`klynge.analysis.travel`: ``source = travel.get("estimate")`` and
        ``lambda rows: source.matrix(points[rows], points).minutes`` with ``points`` the
        members' (lat, lon) rows.
    k
        Partners kept per member (None: every candidate).
    members
        Ids of the members to rank for (default: everyone).
    kinds, phases, countries
        Keep only partners of these organisation kinds, phases, countries.
    within_hour
        Keep only partners within ``limit`` minutes.
    weights
        Weight per part (default :data:`WEIGHTS`).
    block, workers
        Rows scored at once, and threads (default: the cores); numpy lets go of the GIL.

    Returns
    -------
    DataFrame
        ``member``, ``rank`` (1 best), ``partner`` (ids), ``total``, one column per part in
        :data:`PARTS`, ``fill`` and ``canvas`` (complementarity's halves), ``named`` (my
        canvas names the partner) and ``minutes``. Ties are ordered by the partner's position.
    """
    f = features
    n = len(f)
    if k is not None and k < 1:
        raise ValueError(f"k, the partners kept per member, must be at least 1 (or None for all), not {k}")
    if within_hour and minutes is None:
        raise ValueError("the within-the-hour filter needs travel minutes")
    if members is None:
        rows = np.arange(n)
    else:
        position = {int(m): i for i, m in enumerate(f.ids.tolist())}
        unknown = sorted(set(members) - set(position))
        if unknown:
            raise ValueError(f"no such members: {unknown}")
        rows = np.array([position[int(m)] for m in members], dtype=np.int64)
    a, b, canvas = _sides(f, weights)
    keep = _candidates(f, kinds, phases, countries)
    wn = np.float32(weights["nearness"])
    bonus = np.float32(weights["complementarity"] * (1 - FILL_SHARE))
    named = f.mentions
    take = n if k is None else min(k, n)
    unlocated = None if f.located.all() else np.flatnonzero(~f.located)
    penalty = None if keep.all() else np.where(keep, 0, -np.inf).astype(np.float32)

    def score(part: np.ndarray):
        travel = _block_minutes(minutes, part, n)
        # Unknown travel (NaN, or a member without coordinates, whatever was passed) becomes infinite.
        unknown = np.isnan(travel)
        if unknown.any():
            np.copyto(travel, np.inf, where=unknown)
        if unlocated is not None:
            travel[:, unlocated] = np.inf
            travel[~f.located[part]] = np.inf
        total = a[part] @ b.T
        _add_nearness(total, travel, limit, wn)
        if len(named):
            hit = named[np.isin(named[:, 0], part)]
            if len(hit):
                local = np.full(n, -1)
                local[part] = np.arange(len(part))
                local = local[hit[:, 0]]
                concept = np.einsum("ij,ij->i", canvas[hit[:, 0]], f.provides[hit[:, 1]].astype(np.float32))
                total[local, hit[:, 1]] += bonus * (1 - concept)
        if penalty is not None:
            total += penalty
        total[np.arange(len(part)), part] = -np.inf
        if within_hour:
            np.copyto(total, -np.inf, where=~(travel <= limit))
        top, values = _top(total, take)
        chosen = np.take_along_axis(travel, top, axis=1)
        chosen[np.isinf(chosen)] = np.nan
        return part, top, values, chosen

    chunks = [rows[i:i + block] for i in range(0, len(rows), block)]
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(chunks) > 1:
        from threadpoolctl import threadpool_limits

        # One BLAS thread per worker: OpenBLAS's own threads on top of ours wait busily and
        # took twice the processor time here.
        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(score, chunks))
    else:
        results = [score(c) for c in chunks]
    me = np.concatenate([np.repeat(p, top.shape[1]) for p, top, _, _ in results]) if results else np.zeros(0, int)
    them = np.concatenate([top.ravel() for _, top, _, _ in results]) if results else np.zeros(0, int)
    total = np.concatenate([v.ravel() for _, _, v, _ in results]) if results else np.zeros(0)
    travel = np.concatenate([m.ravel() for _, _, _, m in results]) if results else np.zeros(0)
    valid = np.isfinite(total)
    me, them, total, travel = me[valid], them[valid], total[valid], travel[valid]
    parts = _parts(f, me, them, travel, canvas, limit)
    rank = np.ones(len(me), dtype=np.int64)
    if len(me):
        starts = np.r_[True, me[1:] != me[:-1]]
        group = np.cumsum(starts) - 1
        rank = np.arange(len(me)) - np.flatnonzero(starts)[group] + 1
    return pd.DataFrame({"member": f.ids[me], "rank": rank, "partner": f.ids[them], "total": total.astype(float),
                         **parts, "minutes": travel.astype(float)})


def _top(total: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the columns of the ``k`` largest values, best first (ties by column), and the values.

    Rather than partitioning every full row, it first takes the maximum of each of n / 16
    groups of columns: the k-th largest of those maxima is a value at least k of the row's values reach,
    so only values from it up can be among the best k. Rows with fewer than k finite values
    are padded with column 0 and -inf.
    """
    b, n = total.shape
    group = 16
    if k >= n or n < 4 * group * k:
        top = np.argpartition(-total, k - 1, axis=1)[:, :k] if k < n else np.broadcast_to(np.arange(n), total.shape)
        values = np.take_along_axis(total, top, axis=1)
        order = np.lexsort((top, -values), axis=1)
        return np.take_along_axis(top, order, axis=1), np.take_along_axis(values, order, axis=1)
    width = -(-n // group) * group
    padded = total if width == n else np.pad(total, ((0, 0), (0, width - n)), constant_values=-np.inf)
    # Any split of the columns into groups will do: strided groups make the maximum elementwise over 16 slices.
    maxima = padded.reshape(b, group, -1).max(axis=1)
    floor = np.partition(maxima, maxima.shape[1] - k, axis=1)[:, maxima.shape[1] - k]
    floor = np.maximum(floor, -np.finfo(np.float32).max)  # -inf values are never candidates
    r, c = np.divmod(np.flatnonzero(total >= floor[:, None]), n)  # ten times faster than a 2-D nonzero
    v = total[r, c]
    order = np.lexsort((c, -v, r))
    r, c, v = r[order], c[order], v[order]
    first = np.searchsorted(r, np.arange(b))
    place = np.arange(len(r)) - first[r]
    keep = place < k
    top = np.zeros((b, k), dtype=np.int64)
    values = np.full((b, k), -np.inf, dtype=total.dtype)
    top[r[keep], place[keep]] = c[keep]
    values[r[keep], place[keep]] = v[keep]
    return top, values


def _parts(f: PartnerFeatures, me: np.ndarray, them: np.ndarray, travel: np.ndarray, canvas: np.ndarray,
           limit: float) -> dict[str, np.ndarray]:
    """Each part, unweighted, for the pairs (me, them): the reasons behind the totals."""
    lacks = f.lacks[me]
    fill = np.einsum("ij,ij->i", lacks, f.offers.reshape(len(f), -1)[them].astype(np.float32))
    fill = fill / np.maximum(lacks.sum(axis=1), 1e-9)
    concept = np.einsum("ij,ij->i", canvas[me], f.provides[them].astype(np.float32))
    named = np.array([(i, j) in f.named for i, j in zip(me.tolist(), them.tolist())], dtype=bool) \
        if len(f.mentions) else np.zeros(len(me), dtype=bool)
    concept = np.where(named, 1.0, concept)
    low = f.low[me]
    shared = (low & f.open[me] & f.open[them]).sum(axis=1) / np.maximum(low.sum(axis=1), 1)
    return {"complementarity": (FILL_SHARE * fill + (1 - FILL_SHARE) * concept).astype(float),
            "nearness": nearness(travel, limit).astype(float), "low_season": shared.astype(float),
            "sdg": np.einsum("ij,ij->i", f.profile[me], f.profile[them]).astype(float),
            "phase": _FIT[f.phase[me], f.kind[them]].astype(float), "fill": fill.astype(float),
            "canvas": concept.astype(float), "named": named}


def pair_parts(features: PartnerFeatures, i: int, j: int, minutes: float | None = None, *,
               limit: float = LIMIT, weights: Mapping[str, float] = WEIGHTS) -> dict[str, float]:
    """One pair's parts and total, in plain Python: what member ``i`` (a position) gains from ``j``.

    The same score as :func:`rank_partners`, worked out one month, kind and goal at a time.
    """
    plain = _plain(features)
    mine, theirs = plain[i], plain[j]
    lack_weight = sum(mine["lacks"].values())
    fill = sum(w for cell, w in mine["lacks"].items() if cell in theirs["cells"]) / lack_weight if lack_weight else 0.0
    if (i, j) in features.named:
        canvas = 1.0
    else:
        canvas = len(mine["needs"] & theirs["provides"]) / len(mine["needs"]) if mine["needs"] else 0.0
    if minutes is None or minutes != minutes:
        near = 0.0
    else:
        near = 1 - minutes / (2 * limit) if minutes <= limit else (limit / 2) / minutes
    low = len(mine["low"] & mine["open"] & theirs["open"]) / len(mine["low"]) if mine["low"] else 0.0
    sdg = sum(x * y for x, y in zip(mine["profile"], theirs["profile"]))
    phase = PHASE_FIT[PHASES[mine["phase"]]].get(ORGANISATION_KINDS[theirs["kind"]], 0.3)
    parts = {"complementarity": FILL_SHARE * fill + (1 - FILL_SHARE) * canvas, "nearness": near,
             "low_season": low, "sdg": sdg, "phase": phase}
    return {**parts, "total": sum(weights[p] * parts[p] for p in PARTS), "fill": fill, "canvas": canvas}


def _plain(f: PartnerFeatures) -> list[dict]:
    """Each member as Python sets and lists (kept on the features once made)."""
    cached = f.__dict__.get("_plain_rows")
    if cached is not None:
        return cached
    rows = []
    for i in range(len(f)):
        cells = {(m, k) for m in range(12) for k in range(_K) if f.offers[i, m, k]}
        open_months = {m for m, _ in cells}
        lacks = {(m, k): (1.0 if m in open_months else 0.5) for m in range(12) for k in range(_K)
                 if (m, k) not in cells}
        needs = {c for c in range(len(CONCEPTS)) if f.needs[i, c]}
        provides = {c for c in range(len(CONCEPTS)) if f.provides[i, c]}
        norm = sum(float(x) ** 2 for x in f.sdg[i]) ** 0.5
        rows.append({"cells": cells, "open": open_months, "lacks": lacks, "needs": needs, "provides": provides,
                     "low": {m for m in range(12) if f.low[i, m]},
                     "profile": [float(x) / norm if norm else 0.0 for x in f.sdg[i]],
                     "phase": int(f.phase[i]), "kind": int(f.kind[i])})
    f.__dict__["_plain_rows"] = rows
    return rows
