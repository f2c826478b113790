"""Every text the batch and its reports show exists in bokmål, Swedish and English."""

from __future__ import annotations

import re
from pathlib import Path

from klynge.i18n import catalogue

SOURCES = [Path(__file__).parents[2] / "src" / "klynge" / part for part in ("batch", "report")]


def test_batch_keys_exist_in_every_language():
    keys = {k for k in catalogue("en") if k.startswith("batch.")}
    assert keys
    for lang in ("nb", "sv"):
        assert keys == {k for k in catalogue(lang) if k.startswith("batch.")}, lang
    used = set()
    for folder in SOURCES:
        for file in folder.glob("*.py"):
            used |= set(re.findall(r'"(batch\.[a-z_.]+[a-z])"', file.read_text()))
    assert used and used <= keys, sorted(used - keys)
    for lang in ("nb", "sv", "en"):
        assert len(catalogue(lang)["batch.months"].split(",")) == 12
