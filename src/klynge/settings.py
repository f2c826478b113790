"""One settings object, read from the environment by an explicit call, never at import time."""

from __future__ import annotations

import json
import math
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import SettingsError

__all__ = ["HOME_FOLDER", "LANGUAGES", "SETTINGS_ENV", "Settings", "find_home", "load_settings", "option_help",
           "settings_from_json", "settings_help"]

LANGUAGES = ("nb", "sv", "en")

#: The folder a project keeps its database in; found in the current folder or a parent.
HOME_FOLDER = ".klynge"

#: The one environment variable ``klynge serve`` hands each app kernel: its settings as JSON.
SETTINGS_ENV = "KLYNGE_SETTINGS"


def _default_home() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "klynge")


def find_home(start: str | Path | None = None) -> Path | None:
    """The nearest ``.klynge`` folder in ``start`` (default: the current folder) or a parent, or None.

    This is how every command finds the database ``make demo`` made, from the project folder
    or any folder inside it, when ``KLYNGE_HOME`` is not set.
    """
    here = Path.cwd() if start is None else Path(start)
    for folder in (here, *here.parents):
        if (folder / HOME_FOLDER).is_dir():
            return folder / HOME_FOLDER
    return None


def _option(env: str, default, help: str, *, secret: bool = False):
    # A secret option shows as "***" in the settings' repr, so a log line or a traceback of them keeps it out.
    return field(default=default, metadata={"env": env, "help": help, "secret": secret})


#: What a secret option's value shows as in the settings' repr.
MASK = "***"


@dataclass(frozen=True)
class Settings:
    """Klynge's configuration. Each option has an environment variable, a default and a line of help."""

    home: str = _option(
        "KLYNGE_HOME", None,
        "folder for the default database, the server secret and outputs; default: the nearest .klynge "
        "folder in the current folder or a parent, else ~/.local/share/klynge",
    )
    db: str = _option(
        "KLYNGE_DB", None, "database URL (SQLAlchemy); default: a SQLite file klynge.db in KLYNGE_HOME"
    )
    secret: str = _option(
        "KLYNGE_SECRET", None,
        "server secret for sign-in keys and cookies; default: made once and kept in KLYNGE_HOME/secret",
        secret=True,
    )
    lang: str = _option("KLYNGE_LANG", "nb", "default language of the apps and reports: nb, sv or en")
    outputs: str = _option(
        "KLYNGE_OUTPUTS", None, "folder for batch outputs; default: KLYNGE_HOME/outputs"
    )
    templates: str = _option(
        "KLYNGE_TEMPLATES", "", "extra folders of canvas templates, separated by the path separator"
    )
    base_url: str = _option(
        "KLYNGE_BASE_URL", "http://localhost:8866", "address that sign-in links point to"
    )
    key_days: int = _option("KLYNGE_KEY_DAYS", 120, "days a new sign-in key stays valid")
    library_max_mb: int = _option("KLYNGE_LIBRARY_MAX_MB", 20, "largest file a member may add to the library, in MB")
    audit_days: int = _option(
        "KLYNGE_AUDIT_DAYS", 730, "days the audit log keeps an entry (sign-ins, exports, erasures); 0 keeps them all"
    )
    sandbox: bool = _option(
        "KLYNGE_SANDBOX", False, "a public sandbox (Binder): the apps say that nothing typed is kept"
    )
    trust_proxy: bool = _option(
        "KLYNGE_TRUST_PROXY", False,
        "the server sits behind a proxy that ends HTTPS and sets X-Forwarded-Proto (only then set it)",
    )
    smtp_url: str = _option(
        "KLYNGE_SMTP_URL", None,
        "mail server for invitations: smtp+starttls://user@host:587, smtps://user@host:465 or smtp://host:25 "
        "(add ?from=address for the sender); without it, sign-in links are shown to copy",
    )
    smtp_password: str = _option(
        "KLYNGE_SMTP_PASSWORD", None, "password of the mail server's user (never put it in KLYNGE_SMTP_URL)",
        secret=True,
    )
    remind_every: float = _option(
        "KLYNGE_REMIND_EVERY", 60.0,
        "minutes between the reminder passes of klynge serve (the invitations' reminders due, and failed mails "
        "again; only with KLYNGE_SMTP_URL); 0 turns them off",
    )

    def __repr__(self) -> str:
        shown = (f"{f.name}={MASK if f.metadata['secret'] and getattr(self, f.name) else getattr(self, f.name)!r}"
                 for f in fields(self))
        return f"Settings({', '.join(shown)})"

    @property
    def home_path(self) -> Path:
        return Path(self.home)

    @property
    def template_dirs(self) -> list[Path]:
        return [Path(p) for p in self.templates.split(os.pathsep) if p]

    def with_db(self, url: str | None) -> Settings:
        """A copy with another database URL (``--db`` on the command line), or self if None."""
        return self if not url else replace(self, db=normalise_db_url(url))

    def to_json(self) -> str:
        """Every option as JSON, for :func:`settings_from_json` in another process (an app kernel)."""
        return json.dumps({f.name: getattr(self, f.name) for f in fields(self)})

    def server_secret(self) -> bytes:
        """The server secret; made once and kept (mode 0600) in the home folder when not set."""
        if self.secret:
            return self.secret.encode()
        path = self.home_path / "secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(32))
        return path.read_text().strip().encode()


_BOOLS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def normalise_db_url(url: str) -> str:
    """Accept a plain file path as a SQLite database and ``postgresql://`` as psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def load_settings(environ: Mapping[str, str] | None = None, *, cwd: str | Path | None = None,
                  **overrides) -> Settings:
    """Read the settings from ``environ`` (default ``os.environ``); keyword arguments win.

    The home folder is ``KLYNGE_HOME`` when set; otherwise the nearest ``.klynge`` folder in
    ``cwd`` (default: the current folder) or a parent; otherwise ``~/.local/share/klynge``.

    Raises
    ------
    SettingsError
        When a value cannot be used (an unknown language, a number that is not one).
    """
    environ = os.environ if environ is None else environ
    values = {}
    for f in fields(Settings):
        raw = overrides.get(f.name)
        if raw is None:
            raw = environ.get(f.metadata["env"])
        if raw is None or raw == "":
            continue
        if f.type == "int":
            try:
                raw = int(raw)
            except ValueError:
                raise SettingsError(f"{f.metadata['env']} must be a whole number, got {raw!r}") from None
        elif f.type == "float":
            raw = _minutes(f.metadata["env"], raw)
        elif f.type == "bool" and not isinstance(raw, bool):
            if str(raw).strip().lower() not in _BOOLS:
                raise SettingsError(f"{f.metadata['env']} must be 1 or 0 (yes or no), got {raw!r}")
            raw = _BOOLS[str(raw).strip().lower()]
        values[f.name] = raw
    home = values.get("home") or find_home(cwd) or _default_home()
    values["home"] = str(Path(home).expanduser().resolve())
    values["db"] = normalise_db_url(values.get("db") or str(Path(values["home"]) / "klynge.db"))
    values.setdefault("outputs", str(Path(values["home"]) / "outputs"))
    if values.get("lang", "nb") not in LANGUAGES:
        raise SettingsError(f"KLYNGE_LANG must be one of {', '.join(LANGUAGES)}, got {values['lang']!r}")
    return Settings(**values)


def _minutes(env: str, raw) -> float:
    """A number of minutes, 0 or more (fractions allowed: 0.05 is three seconds)."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(raw, bool) or not math.isfinite(value) or value < 0:
        raise SettingsError(f"{env} must be a number of minutes, 0 or more (0 turns it off), got {raw!r}")
    return value


def settings_from_json(text: str) -> Settings:
    """The settings :meth:`Settings.to_json` wrote, checked as :func:`load_settings` checks them.

    Raises
    ------
    KlyngeError
        When ``text`` is not such JSON, names an unknown option, or holds a value that cannot be used.
    """
    try:
        values = json.loads(text)
    except ValueError:
        values = None
    if not isinstance(values, dict) or not all(v is None or isinstance(v, (str, int, float)) for v in values.values()):
        raise SettingsError(f"{SETTINGS_ENV} must hold the settings as a JSON object of plain values")
    unknown = sorted(set(values) - {f.name for f in fields(Settings)})
    if unknown:
        raise SettingsError(f"{SETTINGS_ENV} names options Klynge does not have: {', '.join(map(str, unknown))}")
    return load_settings({}, **values)


def option_help(name: str) -> str:
    """The line of help of one option, by its name in :class:`Settings` (``db``, ``lang``, ...)."""
    for f in fields(Settings):
        if f.name == name:
            return f"{f.metadata['help']} (environment: {f.metadata['env']})"
    raise KeyError(name)


def settings_help() -> str:
    """A table of every option: variable, default and help, for ``klynge --help``."""
    lines = []
    for f in fields(Settings):
        default = f" (default: {f.default})" if f.default not in (None, "") else ""
        lines.append(f"  {f.metadata['env']:<18} {f.metadata['help']}{default}")
    return "\n".join(lines)
