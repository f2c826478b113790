"""Attendance benchmark: a Zoom report of 2 000 rows read and imported for an event, on SQLite and PostgreSQL.

The cluster matches the file: 1 000 people in 250 organisations, 950 of them in the report with
two joins each (they dropped out and came back), and 100 rows of guests without an address who
stay unmatched. Three timings: reading the file (``read_attendance``: decode, find the table,
parse the times, merge the joins, match by e-mail), the first import into the store (attendance,
unmatched rows, in-kind hours), and a second import of the same file, which replaces the first.

Run with ``make bench``; prints a table; ``--readme`` writes it into bench/README.md. Set
KLYNGE_BENCH_POSTGRES to a server URL, or a throwaway server is started when PostgreSQL is installed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from readme import publish  # noqa: E402  (bench/readme.py, beside this file)
from store_bench import _postgres_url  # noqa: E402  (a throwaway server, or KLYNGE_BENCH_POSTGRES)
from tests.factories import fictional_orgnr  # noqa: E402

from klynge.attendance import read_attendance  # noqa: E402
from klynge.events import zoom_report  # noqa: E402
from klynge.model import Cluster, Event, Organisation, Person  # noqa: E402
from klynge.store import Identity, open_store  # noqa: E402

SYSTEM = Identity.system()
INTRO = """## Attendance: a Zoom report of 2 000 rows imported

`python bench/attendance_bench.py [--rows 2000] [--no-postgres] [--readme]` writes a Zoom
participant report (the "with meeting data" export, UTF-8 with a BOM) of 2 000 rows: 950 members
of a cluster of 1 000 people in 250 organisations, each with two joins (dropped out and came
back), and 100 rows of guests without an address. *Parse* is `klynge.attendance.read_attendance`
(decode, find the table, read the times, merge each person's joins, match by e-mail); *import* is
`Store.import_attendance` for an event (attendance per person, the unmatched rows, one in-kind
hours row per person with an organisation, in one write transaction); *re-import* the same file
again, which replaces the first import's rows (marks its hours removed) rather than doubling them.

"""
START = datetime(2026, 11, 12, 9, 0)


def _report(rows: int) -> bytes:
    """``rows`` rows: two joins per member for 95 % of them, the rest guests without an address."""
    guests = rows // 20
    members = (rows - guests) // 2
    lines = []
    for i in range(members):
        out = START + timedelta(minutes=40 + i % 30)
        lines.append((f"Person {i}", f"p{i}@bench.example", START + timedelta(minutes=i % 10), out))
        lines.append((f"Person {i}", f"p{i}@bench.example", out + timedelta(minutes=5), START + timedelta(hours=3)))
    for i in range(rows - 2 * members):
        lines.append((f"iPhone ({i})", "", START + timedelta(minutes=15), START + timedelta(minutes=75)))
    return zoom_report(lines, topic="Bench workshop")


def bench(url: str, rows: int) -> dict:
    data = _report(rows)
    people = rows // 2
    store = open_store(url)
    cid = store.create_cluster(SYSTEM, Cluster(name="Bench"))
    for i in range(people // 4):
        orgnr = fictional_orgnr("NO", i, start=90_000_000, step=7)
        oid = store.add_organisation(SYSTEM, Organisation(name=f"Org {i}", country="NO", orgnr=orgnr,
                                                          municipality="5001"), cid)
        for k in range(4):
            n = 4 * i + k
            store.add_person(SYSTEM, Person(name=f"Person {n}", email=f"p{n}@bench.example", organisation_id=oid), cid)
    event = store.add_event(SYSTEM, Event(kind="workshop", title="Bench workshop", starts_at=START,
                                          ends_at=START + timedelta(hours=3), online_url="https://zoom.example/j/1"),
                            cluster_id=cid)
    known = store.attendance_people(SYSTEM, event.id)
    t0 = time.perf_counter()
    report = read_attendance(data, known, "bench.csv")
    t1 = time.perf_counter()
    first = store.import_attendance(SYSTEM, event.id, report)
    t2 = time.perf_counter()
    again = store.import_attendance(SYSTEM, event.id, report)
    t3 = time.perf_counter()
    store.close()
    assert report.rows == rows and len(first.matched) == len(again.matched) == (rows - rows // 20) // 2
    return {"rows": report.rows, "matched": len(first.matched), "unmatched": len(first.unmatched),
            "hours": first.hours_rows, "parse": t1 - t0, "import": t2 - t1, "again": t3 - t2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--readme", action="store_true", help="write the result into bench/README.md")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results.append(("SQLite", bench(f"sqlite:///{folder}/bench.db", args.rows)))
    if not args.no_postgres:
        url, server = _postgres_url()
        if url:
            try:
                results.append(("PostgreSQL", bench(url, args.rows)))
            finally:
                if server:
                    server.stop()
    lines = [f"Last result, a Zoom report of {args.rows} rows, {os.cpu_count()} cores, "
             f"load {os.getloadavg()[0]:.1f} ({datetime.now():%Y-%m-%d %H:%M}):", "",
             "| database | rows | matched people | unmatched rows | hours rows | parse (s) | import (s) "
             "| re-import (s) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in results:
        lines.append(f"| {name} | {r['rows']} | {r['matched']} | {r['unmatched']} | {r['hours']} | {r['parse']:.3f} | "
                     f"{r['import']:.3f} | {r['again']:.3f} |")
    publish("## Attendance", INTRO, lines, args.readme)

if __name__ == "__main__":
    main()
