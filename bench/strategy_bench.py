"""The strategy pass: the cluster's findings for the demo and for a synthetic cluster of 2 000 members.

``python bench/strategy_bench.py [--sizes 2000] [--seed 14] [--repeat 3] [--readme]`` runs
:func:`klynge.strategy.findings` (every rule, each with its threshold reruns) and
:func:`klynge.strategy.findings_json` (what the batch writes as findings.json) on the demo
(``tests/strategy/conftest.py``: ``demo_input``, 77 members) and on synthetic clusters of one
generator with a fixed seed (``tests/strategy/synthetic.py``: ``synthetic_input``, members drawn
from the demo's, with the demo's segment and partner words, offers, SDG entries and areas). Each
run gets a fresh input, so nothing a rule keeps on the input carries over. Times are the best of
``--repeat`` runs, wall and processor; peak memory is tracemalloc's peak over one more run of both
(the Python heap the pass allocates, above the input it was given). ``--readme`` writes the table
into bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.readme import publish  # noqa: E402
from tests.strategy.conftest import demo_input  # noqa: E402
from tests.strategy.synthetic import synthetic_input  # noqa: E402

from klynge.strategy import findings, findings_json  # noqa: E402

TARGET = 10.0

TEXT = """## Strategy: the cluster's findings

`python bench/strategy_bench.py [--sizes 2000] [--seed 14] [--repeat 3] [--readme]` runs the
strategy pass, `klynge.strategy.findings` (every rule, and each rule again with each threshold
one step lower and higher for the sensitivity check), and `findings_json` (what the batch
writes as findings.json), on the demo (77 members) and on a synthetic cluster of 2 000 members
(`synthetic_input` in `tests/strategy/synthetic.py`, one generator with a fixed seed: each member
drawn from a demo member, with its kind, sector, municipality and so its seasonality area, its
themes nine times in ten, its offers with the months moved a little, its SDG entries with
relevance and impact moved a little; customer segments and key partners drawn from all the
demo's shared notes, and three members in ten naming another member as a key partner; a fifth
of the key-activity notes and a tenth of the SDG entries private, one entry in twenty
unconfirmed, which the input leaves out). There are no packages in the synthetic cluster. Each
run starts from a fresh input (the caches of a note's words and kinds, kept per text in the
module, stay warm after the first run). *Findings* and *JSON*
are the best of 3 runs (wall; the processor time of that run beside it: on a shared machine
other work inflates wall time, not processor time). *Peak memory* is tracemalloc's peak during
one more run of both: the Python heap the pass allocates over the input it is given (the
findings themselves and the JSON text included).

How it is fast: the value-chain rule used to list, per customer segment, every key-partner
note's linked members and every linked pair of members (a segment that 700 members name has
tens of thousands of pairs), and ran three times for the sensitivity check. Now an index of
the notes (the members each key-partner note names, the kinds it asks for, who is or sells
each kind) is built once per input and kept on it; a chain counts its links per note and per
member from the kinds' reach within the chain (sets shared by all notes that ask for the same
kinds); a member's partners read only the first nine ids of each list they are picked from;
and the reruns with a moved threshold ask the rule for its findings' ids only
(`Rule.ids`: value chains and low-season gaps), which reuses the chains already worked out. The
demo's findings.json is byte for byte what it was before (`tests/strategy/test_speed.py`
compares it with the JSON saved before the change; the synthetic clusters' JSON was compared
too, at 300 and 2 000 members). Before the change, on the same machine at a load of about 7.5,
the pass and its JSON took 48.5 s for the 2 000 members (19.7 processor-seconds, about 13.5 of
them in the pass and 6 in the JSON).

What stays heavy is the JSON: the value chains of a large cluster are many (every segment word
that three members share and whose key partners link two of them), each lists a consequence for
each of its members and for each member outside it that could bring a missing kind, so
findings.json grows to some 45 MB, and the stable JSON (`klynge.strategy.finding.dumps`, with
`indent`) is written by the json module's Python encoder.

"""


def _measure(make, repeat: int) -> dict:
    """Best-of-``repeat`` times of the pass and of its JSON, then one traced run for the peak."""
    best = {"wall": float("inf")}
    for _ in range(repeat):
        data = make()
        started, used = time.perf_counter(), time.process_time()
        found = findings(data)
        wall, cpu = time.perf_counter() - started, time.process_time() - used
        started, used = time.perf_counter(), time.process_time()
        text = findings_json(found, "bench")
        json_wall, json_cpu = time.perf_counter() - started, time.process_time() - used
        if wall < best["wall"]:
            best = {"wall": wall, "cpu": cpu, "json_wall": json_wall, "json_cpu": json_cpu}
    data = make()
    tracemalloc.start()
    text = findings_json(findings(data), "bench")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {**best, "members": len(data.members), "findings": len(found), "bytes": len(text.encode("utf-8")),
            "peak": peak}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000], help="synthetic cluster sizes")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the fastest counts")
    parser.add_argument("--readme", action="store_true", help="write the table into bench/README.md")
    args = parser.parse_args(argv)
    cases = [("demo", demo_input)] + [(f"synthetic, seed {args.seed}", lambda n=n: synthetic_input(n, args.seed))
                                      for n in args.sizes]
    rows = []
    for label, make in cases:
        print(f"running {label} ...", file=sys.stderr)
        rows.append((label, _measure(make, args.repeat)))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [f"Last result, {os.cpu_count()} cores, Python {platform.python_version()}, load average {load:.1f} "
             f"at the end ({datetime.now():%Y-%m-%d %H:%M}):", "",
             "| cluster | members | findings | findings (s) | its CPU (s) | JSON (s) | its CPU (s) | "
             "findings.json (MB) | peak memory (MB) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {label} | {r['members']} | {r['findings']} | {r['wall']:.2f} | {r['cpu']:.2f} | "
              f"{r['json_wall']:.2f} | {r['json_cpu']:.2f} | {r['bytes'] / 1e6:.1f} | {r['peak'] / 2**20:.0f} |"
              for label, r in rows]
    big = rows[-1][1]
    lines += ["", f"Target: the strategy pass on {big['members']} members in under {TARGET:.0f} s: "
                  f"{'met' if big['wall'] < TARGET else 'NOT met'} ({big['wall']:.1f} s, {big['cpu']:.1f} "
                  f"processor-seconds; with the JSON {big['wall'] + big['json_wall']:.1f} s)."]
    publish("## Strategy", TEXT, lines, args.readme)
    return 0


if __name__ == "__main__":
    sys.exit(main())
