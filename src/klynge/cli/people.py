"""``klynge invite``, ``key`` and ``person``: people, their sign-in keys and what is stored about them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..settings import Settings
from .common import command_group, language_options, print_invitation, print_outcome

__all__ = ["register"]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the commands about people to ``sub``."""
    p = sub.add_parser("invite", parents=[common, language_options()],
                       help="invite a person: print their sign-in link (shown once) or, with --send, e-mail it; "
                            "`klynge invite remind` sends the reminders due")
    p.add_argument("action", nargs="?", choices=["remind"],
                   help="remind: send the reminders due now and retry failed mails (for cron)")
    p.add_argument("--name", help="the person's name (required to invite)")
    p.add_argument("--email", help="the person's e-mail address (required to invite)")
    # The roles are checked (and named in the error) by the model, which is too heavy to load for --help.
    p.add_argument("--role", default="participant", help="participant (default), facilitator or researcher")
    p.add_argument("--org", help="organisation id or organisation number: the person joins it (a colleague)")
    p.add_argument("--relation", help="why: supplier, customer, support, finance, research, other, colleague or "
                                      "board (colleague with --org, else other); records an invitation")
    p.add_argument("--note", default="", help="a line of your own in the invitation")
    p.add_argument("--send", action="store_true", help="e-mail the sign-in link (KLYNGE_SMTP_URL) in the "
                                                       "invitee's language (--lang)")
    p.add_argument("--json", action="store_true", help="remind: print one JSON object")
    p.set_defaults(run=invite)

    action = command_group(sub, "key", "sign-in keys", [common])
    action("revoke", revoke, "revoke a key by its id (the part before the dot)").add_argument("key_id")
    action("reissue", reissue, "revoke a person's keys and print a new sign-in link").add_argument(
        "--email", required=True)

    action = command_group(sub, "person", "what is stored about one person: see it, erase it", [common])
    p = action("export", export_person, "everything stored about a person, as JSON (keys and sessions without secrets)")
    p.add_argument("person", metavar="EMAIL_OR_ID")
    p.add_argument("--out", metavar="FILE", help="write the JSON to FILE instead of printing it")
    p = action("erase", erase_person,
               "erase a person's name and e-mail and revoke their keys (their work stays, by id)")
    p.add_argument("person", metavar="EMAIL_OR_ID")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def invite(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge invite``: prints the new person's sign-in link, or e-mails it with ``--send``;
    ``klynge invite remind`` sends the reminders due."""
    from .. import operations as ops
    from ..errors import ValidationError

    if args.action == "remind":
        return remind(args, settings)
    missing = [f"--{name}" for name in ("name", "email") if not getattr(args, name)]
    if missing:
        raise ValidationError([("", f"klynge invite needs {' and '.join(missing)}")])
    if not (args.relation or args.send or args.note):  # a person registered as before, with no invitation
        print_invitation(ops.invite(settings, name=args.name, email=args.email, role=args.role,
                                    organisation=args.org))
        return 0
    if args.role != "participant":
        raise ValidationError([("role", "--relation, --note and --send invite members and partners; register a "
                                        f"{args.role} without them")])
    outcome = ops.send_invitation(settings, name=args.name, email=args.email, organisation=args.org,
                                  relation=args.relation, note=args.note, send=args.send)
    return print_outcome(outcome)


def remind(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge invite remind [--json]``: the reminders due now, sent; failed mails tried again."""
    from .. import operations as ops

    outcomes = ops.send_reminders(settings)
    counts = {kind: sum(o.invitation.delivery == kind for o in outcomes) for kind in ("sent", "failed", "bounced")}
    if args.json:
        rows = [{"invitation": o.invitation.id, "email": o.invitation.email, "delivery": o.invitation.delivery,
                 "reminders": len(o.invitation.reminders), "error": o.error} for o in outcomes]
        print(json.dumps({**counts, "outcomes": rows}, ensure_ascii=False, sort_keys=True))
    elif not outcomes:
        print("nothing is due: no reminder to send and no failed mail to retry")
    else:
        print(f"{counts['sent']} sent, {counts['failed']} failed, {counts['bounced']} bounced")
        for o in outcomes:
            if o.error:
                print(f"{o.invitation.email}: {o.error}", file=sys.stderr)
    return 1 if counts["failed"] else 0


def revoke(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge key revoke KEY_ID``."""
    from .. import operations as ops

    ops.revoke(settings, args.key_id)
    print(f"key {args.key_id.partition('.')[0]} revoked")
    return 0


def reissue(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge key reissue --email EMAIL``: prints the new sign-in link."""
    from .. import operations as ops

    print_invitation(ops.reissue(settings, args.email))
    return 0


def export_person(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge person export EMAIL_OR_ID [--out FILE]``."""
    from .. import operations as ops

    text = json.dumps(ops.export_person(settings, args.person), indent=1, ensure_ascii=False, sort_keys=True)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.out}; it holds personal data: keep it as safe as the database", file=sys.stderr)
    else:
        print(text)
    return 0


def erase_person(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge person erase EMAIL_OR_ID [--yes]``: asks before erasing unless ``--yes``."""
    from .. import operations as ops

    person = ops.find_person(settings, args.person)
    described = f"person {person.id} ({person.name}, {person.email}, {person.role})"
    if not args.yes:
        print(f"Erase {described}? Their name and e-mail are deleted and their keys revoked; "
              "this cannot be undone. Type yes to erase: ", end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline().strip().lower()
        if answer != "yes":
            print("nothing was erased (add --yes to erase without being asked)", file=sys.stderr)
            return 1
    ops.erase_person(settings, str(person.id))
    print(f"person {person.id} erased; their revisions stay, under their id")
    return 0
