"""``klynge demo`` and ``klynge serve``: the apps, with the demo cluster or a real one."""

from __future__ import annotations

import argparse
from dataclasses import replace

from ..settings import Settings
from .common import language_options

__all__ = ["register"]

PORT = 8866


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``demo`` and ``serve`` to ``sub``."""
    p = sub.add_parser("demo", parents=[common, language_options()],
                       help="load the demo cluster and print one sign-in link per demo role")
    p.add_argument("--replace", action="store_true", help="replace a database that holds data (after a backup)")
    p.add_argument("--serve", action="store_true", help="then start the apps (as `klynge serve`)")
    p.add_argument("--port", type=int, default=PORT)
    p.add_argument("--no-browser", action="store_true", help="with --serve: do not open a browser")
    p.add_argument("--sandbox", action="store_true",
                   help="a public sandbox (needs KLYNGE_SANDBOX=1): print the public demo keys' links instead")
    p.set_defaults(run=demo)

    p = sub.add_parser("serve", parents=[common, language_options()],
                       help="run the apps: sign-in, participant and facilitator apps")
    p.add_argument("--port", type=int, default=PORT)
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--no-preheat", action="store_true", help="start each page's kernel when it is asked for")
    p.add_argument("--apps", help="folder of app notebooks to serve instead of the built-in ones")
    p.add_argument("--base-path", default="/",
                   help="path the apps sit under, behind a proxy that passes the full path on (default: /)")
    p.add_argument("--trust-proxy", action="store_true",
                   help="behind a proxy that ends HTTPS: trust its X-Forwarded-Proto (as KLYNGE_TRUST_PROXY=1)")
    p.set_defaults(run=serve)


def serve(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge serve``: runs until stopped."""
    from ..server import serve

    if args.trust_proxy:
        settings = replace(settings, trust_proxy=True)
    serve(settings, port=args.port, open_browser=not args.no_browser, preheat=not args.no_preheat,
          apps=args.apps, base_path=args.base_path)
    return 0


def demo(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge demo``: load the demo (or new links for it) and print the links; with --serve, serve it.

    A second ``klynge demo --serve`` on the same home folder finds the first one's note, prints
    the first one's links again and returns: loading again or making new keys would revoke them.
    """
    from .. import operations as ops
    from ..demo import format_links, load_demo, load_sandbox, relink
    from ..server.runfile import remove_run_file, running_server, save_links, saved_links, write_run_file

    other = running_server(settings) if args.serve else None
    if other is not None:
        state = "already runs" if other.answers else "is starting"
        print(f"the demo {state} at {other.url} (process {other.pid}, {settings.home}); its sign-in links:")
        print(saved_links(settings) or "(not kept; stop the demo and start it again for new links)")
        return 0
    if args.serve:
        import os

        from ..server import check_port

        if "KLYNGE_BASE_URL" not in os.environ:  # the links lead to the port this demo serves on
            settings = replace(settings, base_url=f"http://localhost:{args.port}")
        check_port(args.port)  # before loading, which takes a while, on a port that would fail after it
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
                done = load_demo(store, settings, replace=args.replace)
                if done.backup:
                    print(f"the previous content was backed up to {done.backup}")
                links = done.links
        print(format_links(links), flush=True)
        if args.serve:
            if not args.sandbox:
                save_links(settings, format_links(links))
            from ..server import serve

            serve(settings, port=args.port, open_browser=not args.no_browser, preheat=True)
    finally:
        if args.serve:
            remove_run_file(settings)
    return 0
