"""Klynge's server options as traitlets: each with help, filled from the settings, set from config."""

from dataclasses import fields, replace

import pytest
from traitlets import TraitError
from traitlets.config import Config

from klynge.server.configuration import KlyngeConfiguration, settings_config, settings_of
from klynge.settings import Settings, load_settings


def test_every_setting_is_a_configurable_trait_with_help():
    traits = KlyngeConfiguration.class_traits(config=True)
    assert set(traits) == {f.name for f in fields(Settings)}
    for name, trait in traits.items():
        assert trait.help and "KLYNGE_" in trait.help, name
    assert "KlyngeConfiguration.lang" in KlyngeConfiguration.class_get_help()


def test_the_configuration_holds_the_settings_it_was_made_from(tmp_path):
    settings = replace(load_settings({"KLYNGE_HOME": str(tmp_path), "KLYNGE_LANG": "en"}), trust_proxy=True,
                       sandbox=True, key_days=3)
    assert KlyngeConfiguration(config=settings_config(settings)).settings() == settings


def test_a_config_file_sets_an_option_as_it_sets_voilas(tmp_path):
    config = settings_config(load_settings({"KLYNGE_HOME": str(tmp_path)}))
    config.merge(Config({"KlyngeConfiguration": {"lang": "sv", "db": str(tmp_path / "other.db")}}))
    settings = KlyngeConfiguration(config=config).settings()
    assert settings.lang == "sv" and settings.db == f"sqlite:///{tmp_path / 'other.db'}"
    for wrong in ({"lang": "de"}, {"key_days": "many"}):
        with pytest.raises(TraitError, match=next(iter(wrong))):
            KlyngeConfiguration(config=Config({"KlyngeConfiguration": wrong}))


def test_the_server_hands_its_parts_the_settings_it_made_once(tmp_path):
    from klynge.server import _voila_class, voila_config

    settings = load_settings({"KLYNGE_HOME": str(tmp_path), "KLYNGE_LANG": "sv"})
    server = _voila_class()(config=voila_config(settings))
    assert server.klynge_settings == settings and server.klynge_settings is server.klynge_settings
    assert KlyngeConfiguration in server.classes

    class Part:
        parent = server

    assert settings_of(Part()) is server.klynge_settings
    assert settings_of(object()) is None
