"""``klynge invite``, ``key``, ``person`` and ``audit``: people, their sign-in keys, what is stored about them
and who did what."""

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
                   help="remind: send the reminders due now and retry failed mails (for cron, where `klynge serve`, "
                        "which does it every KLYNGE_REMIND_EVERY minutes, does not run)")
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
               "erase a person's name and e-mail and revoke their keys; what they wrote stays under a neutral "
               "label unless --remove-text")
    p.add_argument("person", metavar="EMAIL_OR_ID")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--remove-text", action="store_true",
                   help="remove what they wrote (canvas notes, SDG and package texts, hours notes) instead of "
                        "keeping it under the label 'former participant'")
    p.add_argument("--last-facilitator", action="store_true",
                   help="erase the cluster's last facilitator too (the apps refuse it); invite another first")

    p = sub.add_parser("audit", parents=[common],
                       help="the audit log: who signed in, exported, erased, changed a role or a key, and when; "
                            "`klynge audit prune` deletes entries older than KLYNGE_AUDIT_DAYS")
    p.add_argument("action", nargs="?", choices=["prune"], help="prune: delete entries older than KLYNGE_AUDIT_DAYS")
    p.add_argument("--since", metavar="DATE", help="only entries from DATE (YYYY-MM-DD) on")
    p.add_argument("--action", dest="only", metavar="ACTION", help="only entries of one action (sign_in, "
                   "export_archive, export_research, export_person, erase_person, role_change, revoke_key, "
                   "reissue_key, invite)")
    p.add_argument("--json", action="store_true", help="print one JSON object per line")
    p.set_defaults(run=audit)


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
    """``klynge person erase EMAIL_OR_ID [--yes] [--remove-text] [--last-facilitator]``: asks before erasing
    unless ``--yes``, naming the person and what else goes."""
    from .. import operations as ops

    plan = ops.erasure_plan(settings, args.person)
    described = f"person {plan.person_id} ({plan.name}, {plan.email}, {plan.role})"
    if plan.last_facilitator and not args.last_facilitator:
        print(f"{described} is the cluster's last facilitator: invite another facilitator first "
              "(klynge invite --role facilitator ...), or add --last-facilitator to erase them anyway",
              file=sys.stderr)
        return 1
    if plan.alone:
        print(f"{described} is the only person of {plan.organisation}: after the erasure nobody can sign in for it; "
              "invite someone (klynge invite --org ...) to take over", file=sys.stderr)
    kept = (f"the {plan.texts} revisions with text they wrote are rewritten without it" if args.remove_text
            else "what they wrote stays, under the label 'former participant'")
    if not args.yes:
        print(f"Erase {described}? Their name and e-mail are deleted, their keys revoked and {kept}; "
              "this cannot be undone. Type yes to erase: ", end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline().strip().lower()
        if answer != "yes":
            print("nothing was erased (add --yes to erase without being asked)", file=sys.stderr)
            return 1
    result = ops.erase_person(settings, str(plan.person_id), remove_text=args.remove_text,
                              last_facilitator=args.last_facilitator)
    stays = (f"{result.texts_removed} revisions rewritten without their text" if args.remove_text
             else "their work stays under 'former participant'")
    print(f"person {result.person_id} erased; {result.keys_revoked} keys revoked; {stays}; "
          "the batch outputs of their organisation are removed until the next batch")
    return 0


def audit(args: argparse.Namespace, settings: Settings) -> int:
    """``klynge audit [prune] [--since DATE] [--action ACTION] [--json]``."""
    from datetime import date

    from .. import operations as ops
    from ..errors import ValidationError

    if args.action == "prune":
        gone = ops.prune_audit(settings)
        print(f"{gone} audit entries older than {settings.audit_days} days deleted")
        return 0
    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            raise ValidationError([("--since", f"{args.since!r} is not a date like 2026-10-01")]) from None
    entries = ops.audit_log(settings, since=since, action=args.only)
    for e in entries:
        if args.json:
            print(json.dumps(e.as_json(), ensure_ascii=False, sort_keys=True))
        else:
            who = e.actor or f"person {e.actor_id} (erased)"
            subject = f" {e.subject_kind} {e.subject_id}".rstrip() if e.subject_kind else ""
            details = f" {json.dumps(e.details, ensure_ascii=False, sort_keys=True)}" if e.details else ""
            print(f"{e.at:%Y-%m-%d %H:%M:%S} {who} ({e.actor_role}) {e.action}{subject}{details}")
    if not entries and not args.json:
        print("no audit entries" + (f" since {since}" if since else ""), file=sys.stderr)
    return 0
