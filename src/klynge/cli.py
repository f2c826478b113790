"""The ``klynge`` command: a thin parser over :mod:`klynge.operations` and friends.

Heavy imports happen inside the commands, so ``klynge --help`` answers at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from . import cli_travel
from .errors import KlyngeError
from .settings import load_settings, settings_help


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="klynge",
        description="Klynge: the workbench of a tourism cluster that co-creates its low season.",
        epilog="settings (environment variables):\n" + settings_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", help="database URL or SQLite file (overrides KLYNGE_DB)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("status", help="counts of what the database holds, and its schema version")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", metavar="ACTION")
    db.required = True
    db.add_parser("upgrade", help="bring the schema up to date")

    p = sub.add_parser("init", help="create an empty cluster in a new database")
    p.add_argument("name", help="the cluster's name")
    p.add_argument("--description", default="")

    p = sub.add_parser("invite", help="register a person and print their sign-in link (shown once)")
    p.add_argument("--name", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--role", default="participant", choices=("participant", "facilitator", "researcher"))
    p.add_argument("--org", help="organisation id or organisation number (participants)")

    key = sub.add_parser("key", help="sign-in keys").add_subparsers(dest="key_command", metavar="ACTION")
    key.required = True
    p = key.add_parser("revoke", help="revoke a key by its id (the part before the dot)")
    p.add_argument("key_id")
    p = key.add_parser("reissue", help="revoke a person's keys and print a new sign-in link")
    p.add_argument("--email", required=True)
    p = sub.add_parser("demo", help="load the demo cluster and print one sign-in link per demo role")
    p.add_argument("--replace", action="store_true", help="replace a database that holds data (after a backup)")
    p.add_argument("--serve", action="store_true", help="then start the apps (as `klynge serve`)")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--no-browser", action="store_true", help="with --serve: do not open a browser")
    p.add_argument("--sandbox", action="store_true",
                   help="a public sandbox (needs KLYNGE_SANDBOX=1): print the public demo keys' links instead")

    p = sub.add_parser("export", help="write the whole cluster to one portable archive (zip), or the research tables")
    p.add_argument("path", nargs="?", help="the archive to write")
    p.add_argument("--research", metavar="DIR",
                   help="instead: the research tables (no names) as CSV files and a data dictionary in DIR")
    p = sub.add_parser("import", help="read an archive made by `klynge export`")
    p.add_argument("path")
    p.add_argument("--replace", action="store_true", help="replace a database that holds data (after a backup)")
    p = sub.add_parser("members", help="add members from a spreadsheet (CSV or XLSX), all or nothing")
    p.add_argument("path")
    p.add_argument("--invite", action="store_true", help="print a sign-in link for every new person")

    batch = sub.add_parser("batch", help="the facilitator batch: analyses, cluster summary, reports").add_subparsers(
        dest="batch_command", metavar="ACTION")
    batch.required = True
    p = batch.add_parser("run", help="every member's analysis, the cluster's picture, every member's report")
    p.add_argument("--members", type=int, nargs="+", metavar="ID", help="organisation ids (default: all)")
    p.add_argument("--workers", type=int, help="parallel workers (default: one per core)")
    p.add_argument("--engine", choices=("klynge", "papermill"), default="klynge",
                   help="klynge: warm kernels reused between members; papermill: a kernel per notebook")
    p.add_argument("--executor", default="local", help="local, threads or dask")
    p.add_argument("--scheduler", help="with --executor dask: the scheduler's address")
    p.add_argument("--resume", action="store_true", help="skip members whose inputs did not change")
    p.add_argument("--fresh-every", type=int, default=100, metavar="N", help="a fresh kernel every N notebooks")
    p.add_argument("--lang", choices=("nb", "sv", "en"), help="language of the reports (default: KLYNGE_LANG)")

    canv = sub.add_parser("canvases", help="canvas and assessment templates").add_subparsers(
        dest="canvases_command", metavar="ACTION")
    canv.required = True
    canv.add_parser("list", help="every template: id, kind, size and title")
    p = canv.add_parser("show", help="one template with its blocks, questions and examples")
    p.add_argument("id")

    p = sub.add_parser("serve", help="run the apps: sign-in, participant and facilitator apps")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--no-preheat", action="store_true", help="start each page's kernel when it is asked for")
    p.add_argument("--apps", help="folder of app notebooks to serve instead of the built-in ones")
    p.add_argument("--base-path", default="/",
                   help="path the apps sit under, behind a proxy that passes the full path on (default: /)")
    p.add_argument("--trust-proxy", action="store_true",
                   help="behind a proxy that ends HTTPS: trust its X-Forwarded-Proto (as KLYNGE_TRUST_PROXY=1)")
    cli_travel.register(sub, argparse.ArgumentParser(add_help=False))
    return parser


def _print_invitation(inv) -> None:
    print(f"{inv.role} {inv.name} (person {inv.person_id}): {inv.link}")
    print("The link is shown only now; send it to the person.", file=sys.stderr)


def run(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    settings = load_settings().with_db(args.db)
    try:
        return _dispatch(args, settings)
    except KlyngeError:
        raise
    except Exception as exc:
        problem = database_problem(exc, settings.db)
        if problem is None:
            raise
        raise problem from None


def database_problem(exc: Exception, url: str) -> KlyngeError | None:
    """A database that cannot be reached (wrong password, no server) as one sentence, or None.

    The sentence names the database without its password, and the driver's own first line.
    """
    errors = sys.modules.get("sqlalchemy.exc")
    if errors is None or not isinstance(exc, (errors.OperationalError, errors.InterfaceError)):
        return None
    shown, password = shown_url(url)
    reason = " ".join(str(getattr(exc, "orig", None) or exc).split()).split(" [SQL:")[0]
    if password:
        reason = reason.replace(str(password), "***")
    return KlyngeError(f"cannot open {shown}: {reason}")


def shown_url(url: str) -> tuple[str, str | None]:
    """A database URL as it may be printed (password as ``***``), and the password it hid."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # a URL SQLAlchemy cannot parse never got this far
        return "the database", None
    return parsed.render_as_string(hide_password=True), parsed.password


def _demo(args: argparse.Namespace, settings) -> int:
    """``klynge demo``: load the demo (or new links for it) and print the links; with --serve, serve it.

    A second ``klynge demo --serve`` on the same home folder finds the first one's note, prints
    the first one's links again and returns: loading again or making new keys would revoke them.
    """
    from . import operations as ops
    from .demo import format_links, load_demo, load_sandbox, relink
    from .server.runfile import remove_run_file, running_server, save_links, saved_links, write_run_file

    other = running_server(settings) if args.serve else None
    if other is not None:
        state = "already runs" if other.answers else "is starting"
        print(f"the demo {state} at {other.url} (process {other.pid}, {settings.home}); its sign-in links:")
        print(saved_links(settings) or "(not kept; stop the demo and start it again for new links)")
        return 0
    if args.serve:
        # Noted before loading, which takes a while: a second start meanwhile finds this one.
        write_run_file(settings, args.port, f"http://localhost:{args.port}/")
    try:
        with ops.store_for(settings) as store:
            if args.sandbox:
                links = load_sandbox(store, settings, replace=args.replace)
            elif args.serve and not store.is_empty(ops.SYSTEM) and not args.replace:
                print("the demo is already loaded; new sign-in links:")
                links = relink(store, settings)
            else:
                links = load_demo(store, settings, replace=args.replace).links
        print(format_links(links), flush=True)
        if args.serve:
            if not args.sandbox:
                save_links(settings, format_links(links))
            from .server import serve

            serve(settings, port=args.port, open_browser=not args.no_browser, preheat=True)
    finally:
        if args.serve:
            remove_run_file(settings)
    return 0


def _dispatch(args: argparse.Namespace, settings) -> int:
    from . import operations as ops

    if args.command == "status":
        result = ops.status(settings)
        if args.json:
            print(json.dumps(result, sort_keys=True))
        else:
            print(f"database: {shown_url(settings.db)[0]}")
            for name, value in result.items():
                print(f"  {name.replace('_', ' ')}: {value}")
    elif args.command == "db":
        print(f"schema version {ops.upgrade(settings)}")
    elif args.command == "init":
        print(f"cluster {ops.init_cluster(settings, args.name, args.description)} created")
    elif args.command == "invite":
        _print_invitation(ops.invite(settings, name=args.name, email=args.email, role=args.role,
                                     organisation=args.org))
    elif args.command == "key" and args.key_command == "revoke":
        ops.revoke(settings, args.key_id)
        print(f"key {args.key_id.partition('.')[0]} revoked")
    elif args.command == "demo":
        return _demo(args, settings)
    elif args.command == "export":
        if args.research:
            for path in ops.export_research(settings, args.research):
                print(f"wrote {path}")
        elif args.path:
            print(f"exported to {ops.export_cluster(settings, args.path)}")
        else:
            raise KlyngeError("export needs a file name for the archive, or --research DIR for the research tables")
    elif args.command == "import":
        done = ops.import_cluster(settings, args.path, replace=args.replace)
        if done.backup:
            print(f"the previous database was backed up to {done.backup}")
        print(f"imported {sum(done.counts.values())} rows; sign-in keys are not part of an archive: "
              "invite people again with `klynge key reissue`")
    elif args.command == "members":
        result, invitations = ops.import_members(settings, args.path, invite=args.invite)
        print(f"{len(result.organisations_added)} organisations added, {len(result.organisations_reused)} "
              f"already known, {len(result.people_added)} people added")
        for inv in invitations:
            _print_invitation(inv)
    elif args.command == "batch":
        from .batch import format_summary, run_batch
        from .batch.lines import ProgressLines

        if args.lang:
            settings = load_settings(lang=args.lang).with_db(args.db)
        # A log or a pipe gets a plain line now and then instead of a progress bar.
        progress = None if sys.stdout.isatty() else ProgressLines()
        summary = run_batch(settings, members=args.members, workers=args.workers, engine=args.engine,
                            executor=args.executor, scheduler=args.scheduler, resume=args.resume,
                            fresh_every=args.fresh_every, progress=progress)
        print(format_summary(summary))
        return summary.exit_code
    elif args.command == "canvases":
        from .canvases import default_registry, describe, listing

        registry = default_registry(tuple(settings.template_dirs))
        if args.canvases_command == "list":
            print(listing(registry, settings.lang))
        else:
            print(describe(registry.get(args.id), settings.lang))
    elif args.command == "serve":
        from .server import serve

        if args.trust_proxy:
            settings = replace(settings, trust_proxy=True)
        serve(settings, port=args.port, open_browser=not args.no_browser, preheat=not args.no_preheat,
              apps=args.apps, base_path=args.base_path)
    elif args.command == "travel":
        return args.run(args, settings)
    elif args.command == "key" and args.key_command == "reissue":
        _print_invitation(ops.reissue(settings, args.email))
    return 0


def main(argv: list[str] | None = None) -> None:
    """Entry point: errors are reported once, as one line, with a non-zero exit."""
    try:
        code = run(argv)
    except KlyngeError as exc:
        print(f"klynge: {exc}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
