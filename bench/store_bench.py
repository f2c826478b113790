"""Store benchmark: canvas saves and current-canvas reads, on SQLite and PostgreSQL.

Beside the store, the floor: the same revision rows inserted with the plain sqlite3 module,
one committed transaction per row, with the same pragmas (WAL, synchronous=FULL).

Run with ``make bench``; prints a table (kept in bench/README.md). Set KLYNGE_BENCH_POSTGRES to
a server URL, or a throwaway server is started when PostgreSQL is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.factories import fictional_orgnr  # noqa: E402

from klynge.model import Cluster, Note, Organisation, Person  # noqa: E402
from klynge.store import Identity, open_store  # noqa: E402

SYSTEM = Identity.system()
BLOCKS = ["key_partners", "key_activities", "key_resources", "value_propositions", "customer_relationships",
          "channels", "customer_segments", "cost_structure", "revenue_streams"]


def _populate(store, orgs: int):
    cid = store.create_cluster(SYSTEM, Cluster(name="Bench"))
    people = []
    for i in range(orgs):
        orgnr = fictional_orgnr("NO", i, start=90_000_000, step=7)
        oid = store.add_organisation(SYSTEM, Organisation(name=f"Org {i}", country="NO", orgnr=orgnr,
                                                          municipality="5001"), cid)
        pid = store.add_person(SYSTEM, Person(name=f"P {i}", email=f"p{i}@bench.example", organisation_id=oid), cid)
        people.append(Identity(person_id=pid, role="participant", organisation_id=oid, cluster_id=cid))
    return people


def _notes(org_index: int, step: int) -> list[Note]:
    """A canvas that grows by one note a save, as a participant typing would make it."""
    return [Note(id=f"n{k}", block=BLOCKS[k % 9], text=f"Note {k} of org {org_index}, edit {step}")
            for k in range(step + 1)]


def bench_store(url: str, saves: int, orgs: int) -> dict:
    store = open_store(url)
    people = _populate(store, orgs)
    per_org = saves // orgs
    latencies = []
    bodies = []
    start = time.perf_counter()
    heads = {}
    for step in range(per_org):
        for i, who in enumerate(people):
            notes = _notes(i, step)
            t0 = time.perf_counter()
            rev = store.save_canvas(who, who.organisation_id, "business_model", notes, heads.get(i))
            latencies.append(time.perf_counter() - t0)
            heads[i] = rev.number
            bodies.append(rev.items)
    elapsed = time.perf_counter() - start
    t0 = time.perf_counter()
    for who in people:
        store.canvas(who, who.organisation_id, "business_model")
    read = time.perf_counter() - t0
    store.close()
    return {"saves": len(latencies), "saves_per_s": len(latencies) / elapsed,
            "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": statistics.quantiles(latencies, n=20)[18] * 1000,
            "read_all_s": read, "bodies": bodies}


def bench_raw_sqlite(path: Path, bodies: list[dict]) -> dict:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE revisions (id INTEGER PRIMARY KEY, document_id INT, number INT, body TEXT)")
    latencies = []
    start = time.perf_counter()
    for n, body in enumerate(bodies):
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO revisions (document_id, number, body) VALUES (?, ?, ?)",
                     (n % 1000, n, json.dumps(body)))
        conn.execute("COMMIT")
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    conn.close()
    return {"saves": len(latencies), "saves_per_s": len(latencies) / elapsed,
            "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": statistics.quantiles(latencies, n=20)[18] * 1000, "read_all_s": float("nan")}


def _postgres_url():
    url = os.environ.get("KLYNGE_BENCH_POSTGRES")
    if url:
        return url, None
    from tests import pgserver  # the repository's root is on sys.path (above)
    bindir = pgserver.find_bin()
    if bindir is None:
        print(f"PostgreSQL not installed ({pgserver.INSTALL}); its row is left out.")
        return None, None
    server = pgserver.Server(bindir).start()
    return server.url, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=10_000)
    parser.add_argument("--orgs", type=int, default=1_000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_result = bench_store(f"sqlite:///{tmp}/bench.db", args.saves, args.orgs)
        rows.append(("klynge store, SQLite", sqlite_result))
        rows.append(("raw sqlite3 insert (floor)", bench_raw_sqlite(Path(tmp) / "raw.db", sqlite_result["bodies"])))
        url, server = _postgres_url()
        if url:
            try:
                rows.append(("klynge store, PostgreSQL", bench_store(url, args.saves, args.orgs)))
            finally:
                if server:
                    server.stop()
    floor = rows[1][1]["p95_ms"]
    print(f"\n{args.saves} canvas saves over {args.orgs} organisations; read = current canvas of each\n")
    print(f"| {'what':<28} | {'saves/s':>8} | {'p50 ms':>7} | {'p95 ms':>7} | {'p95 / floor':>11} | "
          f"{'read all (s)':>12} |")
    print(f"|{'-' * 30}|{'-' * 10}:|{'-' * 9}:|{'-' * 9}:|{'-' * 13}:|{'-' * 14}:|")
    for name, r in rows:
        read = "-" if r["read_all_s"] != r["read_all_s"] else f"{r['read_all_s']:.2f}"
        print(f"| {name:<28} | {r['saves_per_s']:>8.0f} | {r['p50_ms']:>7.2f} | {r['p95_ms']:>7.2f} | "
              f"{r['p95_ms'] / floor:>11.1f} | {read:>12} |")
    target = rows[0][1]["p95_ms"]
    print(f"\ntarget: p95 save on SQLite at most 5 ms: {'met' if target <= 5 else 'NOT met'} ({target:.2f} ms)")


if __name__ == "__main__":
    main()
