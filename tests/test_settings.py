import os
import stat

import pytest

from klynge.errors import KlyngeError, SettingsError
from klynge.settings import load_settings, normalise_db_url, option_help, settings_from_json, settings_help


def test_defaults_come_from_the_home_folder(tmp_path):
    settings = load_settings({"KLYNGE_HOME": str(tmp_path)})
    assert settings.db == f"sqlite:///{tmp_path / 'klynge.db'}"
    assert settings.outputs == str(tmp_path / "outputs")
    assert settings.lang == "nb" and settings.key_days == 120


def test_environment_and_overrides(tmp_path):
    env = {"KLYNGE_HOME": str(tmp_path), "KLYNGE_DB": "postgresql://u:p@h/db", "KLYNGE_LANG": "sv",
           "KLYNGE_KEY_DAYS": "7"}
    settings = load_settings(env, lang="en")
    assert settings.db == "postgresql+psycopg://u:p@h/db"
    assert (settings.lang, settings.key_days) == ("en", 7)
    assert settings.with_db("x.db").db.endswith("/x.db")


@pytest.mark.parametrize("env", [{"KLYNGE_LANG": "de"}, {"KLYNGE_KEY_DAYS": "many"}])
def test_bad_values_are_named(env, tmp_path):
    with pytest.raises(SettingsError, match=next(iter(env))):
        load_settings({"KLYNGE_HOME": str(tmp_path), **env})


def test_server_secret_is_made_once_and_private(tmp_path):
    settings = load_settings({"KLYNGE_HOME": str(tmp_path)})
    first = settings.server_secret()
    assert first == settings.server_secret() and len(first) >= 32
    assert stat.S_IMODE(os.stat(tmp_path / "secret").st_mode) == 0o600
    assert load_settings({"KLYNGE_HOME": str(tmp_path), "KLYNGE_SECRET": "abc"}).server_secret() == b"abc"


def test_reading_settings_never_happens_at_import():
    import klynge.settings as module
    assert not any(isinstance(v, module.Settings) for v in vars(module).values())


def test_every_option_has_help():
    text = settings_help()
    for var in ("KLYNGE_HOME", "KLYNGE_DB", "KLYNGE_SECRET", "KLYNGE_LANG", "KLYNGE_OUTPUTS"):
        assert var in text


def test_plain_paths_are_sqlite_files():
    assert normalise_db_url("/tmp/a.db") == "sqlite:////tmp/a.db"
    assert normalise_db_url("sqlite:///a.db") == "sqlite:///a.db"


def test_a_klynge_folder_in_the_current_folder_or_a_parent_is_the_home(tmp_path):
    project = tmp_path / "project"
    (project / ".klynge").mkdir(parents=True)
    deeper = project / "notes" / "week1"
    deeper.mkdir(parents=True)
    for start in (project, deeper):
        settings = load_settings({}, cwd=start)
        assert settings.home == str(project / ".klynge")
        assert settings.db == f"sqlite:///{project / '.klynge' / 'klynge.db'}"


def test_klynge_home_wins_over_a_klynge_folder(tmp_path):
    (tmp_path / ".klynge").mkdir()
    elsewhere = tmp_path / "elsewhere"
    assert load_settings({"KLYNGE_HOME": str(elsewhere)}, cwd=tmp_path).home == str(elsewhere)


def test_without_a_klynge_folder_the_home_is_the_users_data_folder(tmp_path):
    settings = load_settings({}, cwd=tmp_path)
    assert not settings.home.startswith(str(tmp_path)) and settings.home.endswith("klynge")


def test_settings_travel_as_json_and_come_back_the_same(tmp_path):
    settings = load_settings({"KLYNGE_HOME": str(tmp_path), "KLYNGE_LANG": "sv", "KLYNGE_SANDBOX": "1",
                              "KLYNGE_KEY_DAYS": "9", "KLYNGE_SECRET": "s3cret"})
    assert settings_from_json(settings.to_json()) == settings
    # Read from the JSON alone: the environment of the process that reads it plays no part.
    assert settings_from_json(settings.to_json()).db == f"sqlite:///{tmp_path / 'klynge.db'}"


@pytest.mark.parametrize("text,problem", [
    ("", "JSON object"), ("[1, 2]", "JSON object"), ('{"db": ["a"]}', "JSON object"), ("{nope", "JSON object"),
    ('{"colour": "red"}', "colour"), ('{"lang": "de"}', "KLYNGE_LANG"), ('{"key_days": "many"}', "KLYNGE_KEY_DAYS"),
])
def test_settings_json_that_cannot_be_used_is_named(text, problem):
    with pytest.raises(KlyngeError, match=problem):
        settings_from_json(text)


def test_option_help_names_the_variable():
    assert "KLYNGE_DB" in option_help("db") and "database" in option_help("db")
    with pytest.raises(KeyError):
        option_help("colour")


def test_the_mail_server_settings_are_read_and_the_secret_ones_masked(tmp_path):
    settings = load_settings({"KLYNGE_HOME": str(tmp_path), "KLYNGE_SMTP_URL": "smtps://klynge@mail.example",
                              "KLYNGE_SMTP_PASSWORD": "pw-Kq81x", "KLYNGE_SECRET": "secret-Zr42"})
    assert (settings.smtp_url, settings.smtp_password) == ("smtps://klynge@mail.example", "pw-Kq81x")
    shown = repr(settings)
    assert "pw-Kq81x" not in shown and "secret-Zr42" not in shown
    assert "smtp_password='***'" in shown and "secret='***'" in shown and "smtps://klynge@mail.example" in shown
    assert "KLYNGE_SMTP_URL" in settings_help() and "KLYNGE_SMTP_PASSWORD" in settings_help()
    # an app kernel gets the settings it sends mail with (in its environment, not in a notebook)
    assert settings_from_json(settings.to_json()).smtp_password == "pw-Kq81x"


def test_the_reminder_passes_are_every_hour_by_default_and_any_minutes_or_off(tmp_path):
    home = {"KLYNGE_HOME": str(tmp_path)}
    assert load_settings(home).remind_every == 60
    assert load_settings({**home, "KLYNGE_REMIND_EVERY": ""}).remind_every == 60  # empty is unset
    assert load_settings({**home, "KLYNGE_REMIND_EVERY": "0"}).remind_every == 0
    every = load_settings({**home, "KLYNGE_REMIND_EVERY": "0.05"})  # three seconds, for a test
    assert every.remind_every == 0.05 and settings_from_json(every.to_json()) == every
    assert "KLYNGE_REMIND_EVERY" in settings_help()


@pytest.mark.parametrize("value", ["-5", "hourly", "nan", "inf"])
def test_a_reminder_interval_that_is_no_number_of_minutes_is_named(tmp_path, value):
    with pytest.raises(SettingsError, match="KLYNGE_REMIND_EVERY must be a number of minutes, 0 or more"):
        load_settings({"KLYNGE_HOME": str(tmp_path), "KLYNGE_REMIND_EVERY": value})
    with pytest.raises(SettingsError, match="KLYNGE_REMIND_EVERY"):
        settings_from_json(f'{{"remind_every": "{value}"}}')
