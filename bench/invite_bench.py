"""Invitation benchmark: 1 000 invitations e-mailed through the service to a local SMTP server, then their reminders.

Each invitation goes the whole way a facilitator's click does (:func:`klynge.invitations.invite`): the
invitee's person row and the invitation, a new sign-in key, the message in the invitee's language (text
and HTML), one SMTP connection to a local aiosmtpd server that takes it, and the delivery recorded.
Then one :func:`klynge.invitations.send_reminders` run a week later sends every first reminder (the
cron job's work). The store is a SQLite file, then PostgreSQL (a throwaway server, or
``KLYNGE_BENCH_POSTGRES``) when it is installed.

Run with ``make bench``; prints a table (kept in bench/README.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402
from bench.store_bench import _postgres_url  # noqa: E402
from tests.smtp import Inbox, free_port  # noqa: E402

from klynge import invitations  # noqa: E402
from klynge.model import Cluster, InvitationRequest  # noqa: E402
from klynge.settings import load_settings  # noqa: E402
from klynge.store import Identity, open_store  # noqa: E402

SYSTEM = Identity.system()
LANGS = ("nb", "sv", "en")
RELATIONS = ("supplier", "customer", "support", "finance", "research", "other")


def bench(url: str, n: int, port: int, inbox: Inbox, home: Path) -> dict:
    """Invite ``n`` people into a new cluster of the store at ``url``; then send their first reminders."""
    settings = load_settings({"KLYNGE_HOME": str(home), "KLYNGE_BASE_URL": "https://klynge.example",
                              "KLYNGE_SMTP_URL": f"smtp://127.0.0.1:{port}?from=post@klynge.example"})
    received = len(inbox.messages)
    with open_store(url) as store:
        cid = store.create_cluster(SYSTEM, Cluster(name="Bench"))
        who = Identity(None, "system", cluster_id=cid, name="bench")
        latencies = []
        start = time.perf_counter()
        for i in range(n):
            request = InvitationRequest(name=f"Person {i}", email=f"person{i}@example.no", relation=RELATIONS[i % 6],
                                        lang=LANGS[i % 3], note="Bli med i klyngen" if i % 2 else "")
            began = time.perf_counter()
            outcome = invitations.invite(settings, store, who, request)
            latencies.append(time.perf_counter() - began)
            if not outcome.sent:
                raise SystemExit(f"invitation {i} was not sent: {outcome.error}")
        sent_s = time.perf_counter() - start
        later = outcome.invitation.sent_at + timedelta(days=invitations.DEFAULT_REMINDER_DAYS, minutes=1)
        start = time.perf_counter()
        reminded = invitations.send_reminders(settings, store, who, later)
        remind_s = time.perf_counter() - start
    if len(inbox.messages) - received != 2 * n or not all(o.sent for o in reminded) or len(reminded) != n:
        raise SystemExit("the server did not receive every invitation and reminder")
    return {"total_s": sent_s, "per_ms": sent_s / n * 1000, "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": statistics.quantiles(latencies, n=20)[18] * 1000, "remind_s": remind_s,
            "remind_per_ms": remind_s / n * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000, help="how many invitations (default 1000)")
    args = parser.parse_args()
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(("SQLite file", bench(f"sqlite:///{tmp}/bench.db", args.n, port, inbox, Path(tmp))))
            url, server = _postgres_url()
            if url:
                try:
                    rows.append(("PostgreSQL", bench(url, args.n, port, inbox, Path(tmp))))
                finally:
                    if server:
                        server.stop()
    finally:
        controller.stop()
    print(f"\n{args.n} invitations e-mailed to a local SMTP server (aiosmtpd), one connection each; "
          f"then one reminder run\n")
    print(f"| {'store':<12} | {'invite total (s)':>16} | {'ms / invitation':>15} | {'p50 ms':>7} | {'p95 ms':>7} | "
          f"{'reminders (s)':>13} | {'ms / reminder':>13} |")
    print(f"|{'-' * 14}|{'-' * 17}:|{'-' * 16}:|{'-' * 8}:|{'-' * 8}:|{'-' * 14}:|{'-' * 14}:|")
    for name, r in rows:
        print(f"| {name:<12} | {r['total_s']:>16.2f} | {r['per_ms']:>15.1f} | {r['p50_ms']:>7.1f} | "
              f"{r['p95_ms']:>7.1f} | {r['remind_s']:>13.2f} | {r['remind_per_ms']:>13.1f} |")


if __name__ == "__main__":
    main()
