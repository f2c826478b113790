"""Klynge's server options as traitlets, set like Voila's own: ``c.KlyngeConfiguration.lang = "sv"``.

``klynge serve`` fills them from the :class:`~klynge.settings.Settings` it was given
(:func:`settings_config`); a Jupyter config file may set them too. The server turns them into
one ``Settings`` object once, at its start, and hands that object to its parts: the handlers
(``tornado_settings["klynge_settings"]``), the identity provider, and the kernel manager, which
gives it to every app kernel as one environment variable (:data:`~klynge.settings.SETTINGS_ENV`).
"""

from __future__ import annotations

from dataclasses import fields

from traitlets import Bool, Enum, Float, Int, Unicode
from traitlets.config import Config, Configurable

from ..settings import LANGUAGES, Settings, load_settings, option_help

__all__ = ["KlyngeConfiguration", "settings_config", "settings_of"]


def _text(name: str):
    return Unicode(None, allow_none=True, help=option_help(name)).tag(config=True)


class KlyngeConfiguration(Configurable):
    """Every Klynge setting as a configurable trait, with the same help as ``klynge --help`` shows.

    An option left unset (None) takes its default as :func:`klynge.settings.load_settings` finds it.
    """

    home = _text("home")
    db = _text("db")
    secret = _text("secret")
    lang = Enum(LANGUAGES, "nb", help=option_help("lang")).tag(config=True)
    outputs = _text("outputs")
    templates = Unicode("", help=option_help("templates")).tag(config=True)
    base_url = Unicode("http://localhost:8866", help=option_help("base_url")).tag(config=True)
    key_days = Int(120, help=option_help("key_days")).tag(config=True)
    library_max_mb = Int(20, help=option_help("library_max_mb")).tag(config=True)
    audit_days = Int(730, help=option_help("audit_days")).tag(config=True)
    sandbox = Bool(False, help=option_help("sandbox")).tag(config=True)
    trust_proxy = Bool(False, help=option_help("trust_proxy")).tag(config=True)
    smtp_url = _text("smtp_url")
    smtp_password = _text("smtp_password")
    remind_every = Float(60.0, help=option_help("remind_every")).tag(config=True)

    def settings(self) -> Settings:
        """These options as Klynge's one settings object, checked as the environment's would be.

        Raises
        ------
        klynge.errors.KlyngeError
            When a value cannot be used.
        """
        return load_settings({}, **{f.name: getattr(self, f.name) for f in fields(Settings)})


def settings_config(settings: Settings) -> Config:
    """The traitlets configuration that makes :class:`KlyngeConfiguration` hold ``settings``."""
    c = Config()
    for f in fields(Settings):
        setattr(c.KlyngeConfiguration, f.name, getattr(settings, f.name))
    return c


def settings_of(part) -> Settings | None:
    """The settings the Klynge server made at its start, for a part it made (``parent`` is the server).

    None for a part made on its own, outside a server (as the kernel manager is in some tests).
    """
    return getattr(getattr(part, "parent", None), "klynge_settings", None)
