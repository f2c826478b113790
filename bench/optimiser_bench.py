"""Package suggestions from 500 offers: time to a proven optimum or to a stated gap.

``python bench/optimiser_bench.py [--offers 500] [--seed 11] [--count 5] [--time-limit 10] [--readme]`` makes
the offers of one generator with a fixed seed (``tests/analysis/package_cases.py``:
``synthetic_offers``, members near municipality centres across Trøndelag and Jämtland, offers of
every kind open for a stretch of months, priced in NOK or SEK per person, group or night) and
asks :func:`klynge.analysis.packages.suggest` for ``--count`` packages, for the low season and for
a few chosen months and themes, with the offline travel estimate. Each row: the wall time of the
whole call (travel matrix, candidate search, CBC, explanations), its processor time in this
process (CBC runs in a process of its own, so wall minus CPU is mostly CBC and waiting), the
candidates, and whether CBC proved the optimum or the gap it stopped at. ``--readme`` writes
the table into bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.readme import write_section  # noqa: E402
from tests.analysis.package_cases import synthetic_offers  # noqa: E402

from klynge.analysis import packages, travel  # noqa: E402
from klynge.model.package import PackageSettings  # noqa: E402

CASES = (("low season", None, ""), ("October", [10], ""), ("Oct-Nov, food", [10, 11], "food"),
         ("February, winter", [2], "winter"), ("low season, nature", None, "nature"))

TEXT = """## Optimiser: package suggestions from 500 offers

`python bench/optimiser_bench.py [--offers 500] [--seed 11] [--count 5] [--time-limit 10] [--readme]`
makes 500 offers of 166 members with one generator and a fixed seed (`synthetic_offers` in
`tests/analysis/package_cases.py`) and asks `klynge.analysis.packages.suggest` for 5 packages at
a time, for the low season and for chosen months and themes, with the offline travel estimate,
legs of at most 60 minutes, a price of at most 5 000 NOK per guest and SEK at 0.97. Each row is
one call: wall time of everything (travel matrix, candidate search, CBC, the explanations), the
processor time of this process (CBC runs in a process of its own), the candidates CBC chose
among, and whether it proved the optimum (over those candidates; *every* when the search
listed every feasible package) or the gap it stopped at. Target: a proven optimum or a stated
gap within 10 s.

"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--readme", action="store_true", help="write the table into bench/README.md")
    args = parser.parse_args(argv)
    offers, orgs = synthetic_offers(args.offers, args.seed)
    settings = PackageSettings(rates={"SEK": Decimal("0.97")}, price_max=Decimal(5000))
    source = travel.get("estimate")
    source.matrix([(63.4, 10.4)], [(63.2, 14.6)])  # reference data read once, outside the timings
    rows = []
    for label, months, theme in CASES:
        started, used = time.perf_counter(), time.process_time()
        try:
            found = packages.suggest(offers, orgs, settings, months=months, theme=theme, count=args.count,
                                     time_limit=args.time_limit, travel=source)
        except packages.NoSuggestion as exc:
            found, status = [], f"none: {exc.limit}"
        wall, cpu = time.perf_counter() - started, time.process_time() - used
        if found:
            s = found[0]
            status = ("optimal" + (" (every package)" if s.exhaustive else "") if s.optimal
                      else f"gap {100 * s.gap:.2f} %" if s.gap is not None else "gap unknown")
        rows.append((label, wall, cpu, found[0].candidates if found else 0, len(found), status))
    lines = [f"Last result, {args.offers} offers, seed {args.seed}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}, load {os.getloadavg()[0]:.1f} ({datetime.now():%Y-%m-%d %H:%M}):", "",
             "| months, theme | wall (s) | CPU here (s) | candidates | packages | proven |",
             "|---|---:|---:|---:|---:|---|"]
    lines += [f"| {label} | {wall:.2f} | {cpu:.2f} | {n} | {k} | {status} |"
              for label, wall, cpu, n, k, status in rows]
    worst = max(r[1] for r in rows)
    lines += ["", f"Target: a proven optimum or a stated gap in at most 10 s: {'met' if worst <= 10 else 'NOT met'} "
                  f"(slowest {worst:.1f} s)."]
    print("\n".join(lines))
    if args.readme:
        write_section("## Optimiser", TEXT + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
