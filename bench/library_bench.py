"""Library benchmark: 5 000 generated documents indexed and 1 000 searches, on SQLite and PostgreSQL.

The documents are Norwegian, Swedish and English tourism texts made from the words of the
repository's own texts (the demo members' descriptions and offers, the SDG goals and targets in
three languages, the municipalities), with a fixed seed: a title, a description, tags, and a
body of 30 to about 12 000 words shared as a CSV file by a participant of one of 50 members,
through ``Store.add_library_file`` as the app and ``klynge library add`` do (the file is checked,
its text taken out, stored and indexed). The searches are one word, two words, phrases, searches
with a filter (kind, language, tag), and searches with FTS syntax characters or stop words; most
are built from one known document, and a search *hits* when that document is among its results.

Run with ``make bench``; prints a table; ``--readme`` writes it into bench/README.md. Set
KLYNGE_BENCH_POSTGRES to a server URL, or a throwaway server is started when PostgreSQL is installed.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from readme import publish  # noqa: E402  (bench/readme.py, beside this file)
from store_bench import _postgres_url  # noqa: E402  (a throwaway server, or KLYNGE_BENCH_POSTGRES)
from tests.factories import fictional_orgnr  # noqa: E402

from klynge.errors import NothingToSearch  # noqa: E402
from klynge.library import KINDS, LibraryEntry  # noqa: E402
from klynge.model import Cluster, Organisation, Person  # noqa: E402
from klynge.store import Identity, open_store  # noqa: E402

SYSTEM = Identity.system()
SEED = 20261203
TARGET_P95_MS = 50.0  # issue 16: a search's p95 under 50 ms on SQLite
MEMBERS = 50
THEMES = ("food", "outdoor", "culture", "coast", "winter", "pilgrim", "hiking", "fishing", "design", "wellness")
ENGLISH = ("tourism visitors guests season winter summer autumn spring hiking trail fjord coast mountain lodge "
           "cabin hotel booking package guided tour kayak fishing skiing snow northern lights food local farm "
           "cheese bakery brewery museum heritage culture festival market harbour island ferry train bus bike "
           "network members cluster partners sustainable carbon footprint travel distance survey statistics "
           "report overnight stays occupancy revenue prices shoulder season peak demand conference event "
           "course workshop research analysis growth employment seasonal workers accessibility languages").split()
SYNTAX = ('{w} AND (', '"{w}', '{w}*', 'NEAR({w} {v})', '-{w}', '{w} OR', '({w}) ^{v}', '{w}:{v}', "{w}'s",
          '{w} NOT {v}', '"{w}" + "{v}"', '{w}; DROP TABLE library_items', '%{w}%', '{w} & {v} | !{v}')
STOP_ONLY = ("og i på", "och att det", "the of and", "er det", "den som", "a to in", "og", "the")
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
INTRO = """## Library: 5 000 documents indexed, 1 000 searches

`python bench/library_bench.py [--docs 5000] [--searches 1000] [--no-postgres] [--readme]`
generates documents with a fixed seed: Norwegian, Swedish and English tourism texts made from the
words of the repository's own texts (the demo members' descriptions and offers, the SDG goals and
targets in three languages, the municipalities), each with a title, a description, tags (SDG
goals, months, themes, region) and a body of 30 to about 12 000 words (median about 500). Each is
shared as a CSV file by a participant of one of 50 members through `Store.add_library_file`, the
path of the app and of `klynge library add`: the file is checked, its text taken out, stored and
indexed, one transaction per document. *Indexed/s* is documents per second over all 5 000.

The 1 000 searches run as a participant of the cluster, 20 hits each (the app's default), and are
timed around `Store.search_library` (query cleaning, the engine's match, rank and snippet, and
reading the hits' items): one word from a document's title, two words from its body, three
words of its body in quotes, one word with a filter (kind, language or tag), a word with FTS
syntax characters (`"`, `*`, `NEAR(`, `AND (`, `-`, `^` ...) or with stop words, queries of stop
words only (answered "nothing to search" without reaching the database) and words of no document.
*Hits checked* counts the searches built from a known document whose document is among the 20
results; *else in the first 200* those of the others whose document is found when 200 hits are
asked for (it matched, and ranked lower: many documents hold the same words). The
target is the issue's: a search's p95 under 50 ms on SQLite.

On SQLite, `snippet()` in the ranking query ran for every match before the sort kept 20 of them; a run with that
query (2026-12-03, load 1.9) had p50 17.8 ms and p95 27.1 ms with the same hits; snippets are now made for
the kept hits only. PostgreSQL's p95 is about five times SQLite's; the issue sets it no target, and where
its time goes is not measured here.

"""


# -- the words ------------------------------------------------------------------------------
def _vocabulary() -> dict[str, list[str]]:
    """Words per language, as often as they occur in the repository's texts (so common words stay common)."""
    texts: dict[str, list[str]] = {"nb": [], "sv": [], "en": [" ".join(ENGLISH)]}
    for path in sorted((ROOT / "data/demo/organisations").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        org = doc.get("organisation", {})
        lang = "sv" if org.get("country") == "SE" else "nb"
        texts[lang] += [org.get("name", ""), org.get("description", ""), org.get("needs", "")]
        for offer in doc.get("offers", []) or []:
            texts[lang] += [offer.get("title", ""), offer.get("description", "")]
    for name in ("sdg_targets.csv", "sdg_goals.csv"):
        with open(ROOT / "data/reference" / name, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for lang in texts:
                    texts[lang] += [v for k, v in row.items() if k.endswith(f"_{lang}") and v]
    return {lang: [w.lower() for w in _WORD.findall(" ".join(parts))] for lang, parts in texts.items()}


def _places() -> list[str]:
    with open(ROOT / "data/reference/municipalities.csv", encoding="utf-8") as f:
        return [row["name"] for row in csv.DictReader(f)]


def _sentence(rng: random.Random, words: list[str], n: int) -> str:
    text = " ".join(rng.choices(words, k=n))
    return text[:1].upper() + text[1:] + "."


def _body_words(rng: random.Random) -> int:
    return min(12_000, max(30, int(rng.lognormvariate(6.2, 1.0))))  # median about 500 words


def generate(n: int, seed: int = SEED) -> list[dict]:
    """``n`` documents: entry fields, tags, and the body as a list of sentences."""
    rng = random.Random(seed)
    vocabulary, places = _vocabulary(), _places()
    docs = []
    for i in range(n):
        lang = rng.choices(("nb", "sv", "en"), weights=(5, 3, 2))[0]
        words = vocabulary[lang]
        total, sentences = _body_words(rng), []
        while total > 0:
            k = min(total, rng.randint(6, 18))
            sentences.append(_sentence(rng, words, k))
            total -= k
        tags = {"sdg": sorted(rng.sample(range(1, 18), rng.randint(0, 3))),
                "months": sorted(rng.sample(range(1, 13), rng.randint(0, 3))),
                "themes": rng.sample(THEMES, rng.randint(0, 2)), "region": rng.sample(places, rng.randint(0, 2))}
        docs.append({"i": i, "title": _sentence(rng, words, rng.randint(3, 8))[:-1][:200],
                     "description": _sentence(rng, words, rng.randint(8, 40)), "language": lang,
                     "kind": rng.choice(KINDS), "tags": {k: v for k, v in tags.items() if v},
                     "visibility": "public" if rng.random() < 0.2 else "cluster", "sentences": sentences,
                     "member": rng.randrange(MEMBERS)})
    return docs


def as_csv(doc: dict) -> bytes:
    """The body as a CSV file: a row per sentence, with the document's number and the sentence's."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["dokument", "avsnitt", "tekst"])
    for k, sentence in enumerate(doc["sentences"]):
        writer.writerow([doc["i"], k + 1, sentence])
    return out.getvalue().encode("utf-8")


# -- the searches ---------------------------------------------------------------------------
def _tokens(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def queries(docs: list[dict], n: int, seed: int = SEED) -> list[dict]:
    """``n`` searches: query, filters, and the document (its number) it was built from, if any."""
    from klynge.stopwords import stop_words

    rng, stop = random.Random(seed + 1), stop_words(own=False)
    df: Counter = Counter()
    for doc in docs:
        doc["_tokens"] = set(_tokens(" ".join([doc["title"], doc["description"], *doc["sentences"]])))
        df.update(doc["_tokens"])

    def rare(words, k=1):  # the words of a document few others hold: the search can find it among 20
        return sorted(set(words) - stop or set(words), key=lambda w: (df[w], w))[:k]

    out = []
    kinds = ["one"] * 25 + ["two"] * 20 + ["phrase"] * 20 + ["filter"] * 15 + ["syntax"] * 10 + ["stop"] * 5 + \
        ["none"] * 5
    for j in range(n):
        kind, doc = kinds[j % len(kinds)], rng.choice(docs)
        body = _tokens(" ".join(doc["sentences"]))
        q: dict = {"kind": kind, "expect": doc["i"], "filters": {}}
        if kind == "one":
            q["query"] = rare(_tokens(doc["title"]))[0]
        elif kind == "two":
            q["query"] = " ".join(rare(body, 2))
        elif kind == "phrase":
            sentence = rng.choice([s for s in doc["sentences"] if len(s.split()) >= 5] or doc["sentences"])
            start = rng.randrange(max(1, len(sentence.split()) - 3))
            q["query"] = '"' + " ".join(sentence.rstrip(".").split()[start:start + 3]) + '"'
        elif kind == "filter":
            q["query"] = " ".join(rare(_tokens(doc["title"] + " " + doc["description"]), 1))
            which = rng.choice(["kind", "language", "tag"] if doc["tags"] else ["kind", "language"])
            if which == "tag":
                key = rng.choice(sorted(doc["tags"]))
                name = {"months": "month", "themes": "theme"}.get(key, key)
                q["filters"]["tag"] = f"{name}:{rng.choice(doc['tags'][key])}"
            else:
                q["filters"][which] = doc[which]
        elif kind == "syntax":
            picked = rare(_tokens(doc["title"]), 2)
            w, v = picked[0], picked[-1]
            pattern = rng.choice(SYNTAX + ("og {w} i {v}", "the {w} of {v}", "och {w} det"))
            q["query"] = pattern.format(w=w, v=v)
        elif kind == "stop":
            q.update(query=rng.choice(STOP_ONLY), expect=None)
        else:
            q.update(query=f"zqx{rng.randrange(10**6)}", expect=None)
        out.append(q)
    return out


# -- the run --------------------------------------------------------------------------------
def bench(url: str, docs: list[dict], searches: list[dict]) -> dict:
    store = open_store(url)
    cid = store.create_cluster(SYSTEM, Cluster(name="Bench"))
    members = []
    for m in range(MEMBERS):
        oid = store.add_organisation(SYSTEM, Organisation(name=f"Medlem {m}", country="NO", municipality="5001",
                                                          orgnr=fictional_orgnr("NO", m, start=91_000_000, step=7)),
                                     cid)
        pid = store.add_person(SYSTEM, Person(name=f"Person {m}", email=f"p{m}@bench.example",
                                              organisation_id=oid), cid)
        members.append(Identity(person_id=pid, role="participant", organisation_id=oid, cluster_id=cid))
    ids: dict[int, int] = {}
    t0 = time.perf_counter()
    for doc in docs:
        entry = LibraryEntry(title=doc["title"], description=doc["description"], kind=doc["kind"],
                             language=doc["language"], licence="CC BY 4.0", tags=doc["tags"],
                             visibility=doc["visibility"])
        item = store.add_library_file(members[doc["member"]], f"dokument-{doc['i']}.csv", as_csv(doc), entry,
                                      max_bytes=20_000_000)
        ids[doc["i"]] = item.id
    index_s = time.perf_counter() - t0
    reader = members[0]
    latencies, by_kind, hits, deeper, expected, nothing, empty = [], {}, 0, 0, 0, 0, 0
    for q in searches:
        t1 = time.perf_counter()
        try:
            found = store.search_library(reader, q["query"], **q["filters"])
        except NothingToSearch:
            found, nothing = None, nothing + 1
        ms = (time.perf_counter() - t1) * 1000
        latencies.append(ms)
        by_kind.setdefault(q["kind"], []).append(ms)
        if found == []:
            empty += 1
        if q["expect"] is not None:
            expected += 1
            hit = any(h.item.id == ids[q["expect"]] for h in found or [])
            hits += hit
            if not hit and found:  # matched, but ranked below the first 20? (not timed)
                more = store.search_library(reader, q["query"], limit=200, **q["filters"])
                deeper += any(h.item.id == ids[q["expect"]] for h in more)
    store.close()
    return {"docs": len(docs), "per_s": len(docs) / index_s, "index_s": index_s, "p50": statistics.median(latencies),
            "p95": _p95(latencies), "max": max(latencies), "hits": hits, "deeper": deeper, "expected": expected,
            "nothing": nothing, "empty": empty, "kinds": {k: _p95(v) for k, v in by_kind.items()}}


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--searches", type=int, default=1000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--readme", action="store_true", help="write the result into bench/README.md")
    args = parser.parse_args()
    docs = generate(args.docs)
    searches = queries(docs, args.searches)
    words = sorted(sum(len(s.split()) for s in d["sentences"]) for d in docs)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results.append(("SQLite", bench(f"sqlite:///{folder}/bench.db", docs, searches)))
    if not args.no_postgres:
        url, server = _postgres_url()
        if url:
            try:
                results.append(("PostgreSQL", bench(url, docs, searches)))
            finally:
                if server:
                    server.stop()
    lines = [f"Last result, {args.docs} documents (body median {words[len(words) // 2]} words, "
             f"{sum(words)} in all) and {args.searches} searches, {os.cpu_count()} cores, "
             f"load {os.getloadavg()[0]:.1f} ({datetime.now():%Y-%m-%d %H:%M}):", "",
             "| database | indexed/s | index (s) | search p50 (ms) | p95 (ms) | max (ms) | hits checked "
             "| else in the first 200 | nothing to search | no hit | target |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, r in results:
        target = (f"p95 < {TARGET_P95_MS:.0f} ms: {'PASS' if r['p95'] < TARGET_P95_MS else 'MISS'}"
                  if name == "SQLite" else "")
        lines.append(f"| {name} | {r['per_s']:.0f} | {r['index_s']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | "
                     f"{r['max']:.0f} | {r['hits']}/{r['expected']} | {r['deeper']} | {r['nothing']} | {r['empty']} | "
                     f"{target} |")
    lines += ["", "p95 (ms) per kind of search:", "",
              "| database | " + " | ".join(results[0][1]["kinds"]) + " |",
              "|---|" + "---:|" * len(results[0][1]["kinds"])]
    for name, r in results:
        lines.append(f"| {name} | " + " | ".join(f"{v:.1f}" for v in r["kinds"].values()) + " |")
    publish("## Library", INTRO, lines, args.readme)


if __name__ == "__main__":
    main()
