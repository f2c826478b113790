"""The canvas board without a browser: messages in, traits and the store out."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess

import pytest
from traitlets import TraitError

from klynge import resources
from klynge.i18n import catalogue, t
from klynge.model import Note
from klynge.store import Identity
from klynge.widgets import CanvasBoard, CanvasService

BM = "business_model"


def note(id, text, block="key_partners", **extra):
    return {"id": id, "block": block, "text": text, "order": extra.pop("order", 0), **extra}


def board(store, cluster, who="fjell", owner=None, template=BM, lang="nb", **kw):
    person = cluster["who"][who] if isinstance(who, str) else who
    org = cluster["orgs"][owner or who] if isinstance(who, str) or owner else person.organisation_id
    return CanvasBoard(CanvasService(store, person, org, template, **kw), lang=lang)


def save(b, notes, base=None, request=1):
    b.handle_message({"type": "save", "notes": notes, "base": base if base is not None else b.revision,
                      "request": request})
    assert b.answered["request"] == request
    return b


def texts(b):
    return {n["id"]: n["text"] for n in b.notes}


def stored(store, cluster, key="fjell", template=BM):
    doc, rev = store.canvas(Identity.system(), cluster["orgs"][key], template)
    return {n.id: n.text for n in doc.notes}, rev.number


@pytest.fixture
def colleague(add_colleague):
    """A second participant of the same organisation as `fjell`."""
    return add_colleague("fjell", "Kari Fjell", "kari@example.no")


def test_a_new_board_shows_the_template_in_the_language_asked(store, cluster):
    b = board(store, cluster, lang="sv")
    assert b.template["id"] == BM and b.template["title"] == "Affärsmodellkanvas"
    assert b.template["grid"] == {"rows": 3, "cols": 10}
    partners = b.template["blocks"][0]
    assert partners["id"] == "key_partners" and partners["title"] == "Nyckelpartners"
    assert partners["grid"] == {"row": 1, "col": 1, "rowspan": 2, "colspan": 2}
    assert partners["questions"] and partners["example"]
    assert "8.9" in b.template["sdg_codes"]
    assert (b.notes, b.revision, b.status, b.readonly) == ([], 0, "saved", False)
    keys = {b.storage_key, board(store, cluster, template="social_layer").storage_key,
            board(store, cluster, who="gard", owner="fjell").storage_key}
    assert len(keys) == 3 and all(re.fullmatch(r"klynge\.board\.[0-9a-f]{20}", k) for k in keys)
    assert b.owner == "Fjellguidene"
    assert b.labels["add_note"] == "Lägg till en lapp"


@pytest.mark.parametrize("template", ["business_model", "value_proposition", "environmental_layer", "social_layer"])
def test_every_canvas_template_draws(store, cluster, template):
    b = board(store, cluster, template=template)
    ids = [blk["id"] for blk in b.template["blocks"]]
    assert len(ids) == {"value_proposition": 6}.get(template, 9)
    save(b, [note("a", "første", block=ids[-1])])
    assert b.revision == 1 and texts(b) == {"a": "første"}


def test_save_makes_a_revision_and_shows_the_notes(store, cluster):
    b = board(store, cluster)
    save(b, [note("a", "Buss fra stasjonen  ", visibility="private", months=[11, 10, 10], sdg_targets=["8.9"])])
    assert b.revision == 1 and b.status == "saved" and b.answered["ok"]
    assert b.notes == [{"id": "a", "block": "key_partners", "text": "Buss fra stasjonen", "order": 0,
                        "visibility": "private", "sdg_targets": ["8.9"], "months": [10, 11]}]
    save(b, b.notes + [note("b", "Fjellstua", order=1)], request=2)
    assert b.revision == 2 and stored(store, cluster) == ({"a": "Buss fra stasjonen", "b": "Fjellstua"}, 2)
    save(b, b.notes, request=3)  # nothing changed: no empty revision
    assert b.revision == 2 and len(store.history(Identity.system(), "canvas", cluster["orgs"]["fjell"], BM)) == 2


def test_two_people_editing_different_notes_merge(store, cluster, colleague):
    ada, kari = board(store, cluster), board(store, cluster, who=colleague)
    save(ada, [note("a", "Buss"), note("b", "Fjellstue", order=1)])
    kari.handle_message({"type": "refresh", "request": 1})
    assert texts(kari) == {"a": "Buss", "b": "Fjellstue"}
    base = ada.revision
    save(ada, [note("a", "Buss fra Oppdal stasjon"), note("b", "Fjellstue", order=1)], base=base, request=2)
    save(kari, [note("a", "Buss"), note("b", "Fjellstue med middag", order=1), note("c", "Ny", block="channels")],
         base=base, request=3)
    assert kari.status == "saved" and kari.conflicts == []
    assert texts(kari) == {"a": "Buss fra Oppdal stasjon", "b": "Fjellstue med middag", "c": "Ny"}
    ada.handle_message({"type": "refresh", "request": 4})
    assert texts(ada) == texts(kari) and ada.revision == kari.revision == 3


def test_two_tabs_of_one_person_merge_too(store, cluster):
    tab1, tab2 = board(store, cluster), board(store, cluster)
    save(tab1, [note("a", "En")], base=0)
    save(tab2, [note("b", "To", block="channels")], base=0, request=2)
    assert texts(tab2) == {"a": "En", "b": "To"} and tab2.status == "saved"


def test_the_same_note_changed_in_two_tabs_of_one_person_names_the_other_tab(store, cluster):
    tab1, tab2 = board(store, cluster, lang="en"), board(store, cluster, lang="en")
    save(tab1, [note("a", "Buss")], base=0)
    base = tab1.revision
    save(tab1, [note("a", "Buss hver time")], base=base, request=2)
    save(tab2, [note("a", "Buss to ganger om dagen")], base=base, request=3)
    assert tab2.status == "conflict" and tab2.conflicts[0]["saved_by"] == t("draft.you_elsewhere", "en")
    assert t("draft.you_elsewhere", "en") in tab2.message and "Fjell Person" not in tab2.message


def test_the_same_note_changed_by_two_shows_both_and_keeps_mine(store, cluster, colleague):
    ada, kari = board(store, cluster), board(store, cluster, who=colleague)
    save(ada, [note("a", "Buss"), note("b", "Fjellstue", order=1)])
    base = ada.revision
    save(kari, [note("a", "Buss hver time"), note("b", "Fjellstue", order=1)], base=base)
    save(ada, [note("a", "Buss to ganger om dagen"), note("b", "Fjellstue og badstue", order=1)], base=base,
         request=2)
    assert ada.status == "conflict" and "Kari Fjell" in ada.message
    (clash,) = ada.conflicts
    assert clash["id"] == "a" and clash["block"] == "key_partners"
    assert clash["mine"]["text"] == "Buss to ganger om dagen" and clash["theirs"]["text"] == "Buss hver time"
    assert clash["saved_by"] == "Kari Fjell" and clash["base"] == base
    # this person's text stays in the note; their other change is saved; the store keeps Kari's text
    assert texts(ada) == {"a": "Buss to ganger om dagen", "b": "Fjellstue og badstue"}
    assert stored(store, cluster)[0] == {"a": "Buss hver time", "b": "Fjellstue og badstue"}
    # typing on: still no overwrite, the clash follows the newest text
    save(ada, [note("a", "Buss to ganger om dagen, også søndag"), note("b", "Fjellstue og badstue", order=1)],
         request=3)
    assert stored(store, cluster)[0]["a"] == "Buss hver time"
    assert ada.conflicts[0]["mine"]["text"] == "Buss to ganger om dagen, også søndag"
    ada.handle_message({"type": "resolve", "id": "a", "choice": "mine", "request": 4})
    assert ada.status == "saved" and ada.conflicts == []
    assert stored(store, cluster)[0]["a"] == "Buss to ganger om dagen, også søndag"
    assert texts(ada)["a"] == "Buss to ganger om dagen, også søndag"


def test_take_theirs_and_a_note_deleted_on_one_side(store, cluster, colleague):
    ada, kari = board(store, cluster), board(store, cluster, who=colleague)
    save(ada, [note("a", "Buss"), note("b", "Fjellstue", order=1)])
    base = ada.revision
    save(kari, [note("b", "Fjellstue", order=1)], base=base)  # Kari deletes a
    save(ada, [note("a", "Buss hver time"), note("b", "Fjellstue", order=1)], base=base, request=2)
    (clash,) = ada.conflicts
    assert clash["theirs"] is None and clash["mine"]["text"] == "Buss hver time"
    ada.handle_message({"type": "resolve", "id": "a", "choice": "theirs", "request": 3})
    assert ada.conflicts == [] and texts(ada) == {"b": "Fjellstue"} and ada.status == "saved"
    assert stored(store, cluster)[0] == {"b": "Fjellstue"}


def test_history_view_and_restore(store, cluster, colleague):
    b = board(store, cluster)
    save(b, [note("a", "Første")])
    save(board(store, cluster, who=colleague), [note("a", "Andre")], base=1, request=2)
    b.handle_message({"type": "refresh", "request": 3})
    b.handle_message({"type": "history", "request": 4})
    assert [(h["number"], h["author"]) for h in b.history] == [(2, "Kari Fjell"), (1, "Fjell Person")]
    assert b.history[0]["saved_at"] and b.history[0]["restored_from"] is None
    b.handle_message({"type": "view", "number": 1, "request": 5})
    assert b.snapshot["number"] == 1 and b.snapshot["author"] == "Fjell Person"
    assert [n["text"] for n in b.snapshot["notes"]] == ["Første"]
    assert texts(b) == {"a": "Andre"}  # viewing changes nothing
    b.handle_message({"type": "restore", "number": 1, "request": 6})
    assert b.answered["ok"] and b.revision == 3 and texts(b) == {"a": "Første"} and b.snapshot == {}
    assert b.history[0]["number"] == 3 and b.history[0]["restored_from"] == 1
    b.handle_message({"type": "view", "number": 99, "request": 7})
    assert b.status == "error" and b.message == catalogue("nb")["board.error.not_found"]


def test_switching_language_relabels_everything(store, cluster):
    b = board(store, cluster, lang="nb")
    save(b, [note("a", "x" * 2001)])
    assert b.labels["add_note"] == "Legg til en lapp" and b.template["title"] == "Forretningsmodellkanvas"
    assert "2\u00a0000" in b.errors["a"] and b.errors["a"].startswith("Tekst")
    nb_message = b.message
    b.lang = "en"
    assert b.labels["add_note"] == "Add a note" and b.template["title"] == "Business Model Canvas"
    assert b.template["blocks"][0]["title"] == "Key Partners"
    assert b.errors["a"].startswith("Text") and "2,000" in b.errors["a"]
    assert b.message != nb_message and b.message == catalogue("en")["board.error.notes"].format(n=1)
    with pytest.raises(TraitError):
        b.lang = "de"


def test_a_note_over_the_limit_is_refused_and_the_good_text_stays(store, cluster):
    b = board(store, cluster, lang="nb")
    save(b, [note("a", "God tekst"), note("b", "Annen lapp", order=1)])
    save(b, [note("a", "x" * 10_000), note("b", "Annen lapp, endret", order=1)], request=2)
    assert b.status == "error" and b.answered["ok"]
    assert b.errors == {"a": "Tekst: kan ha høyst 2\u00a0000 tegn (nå 10\u00a0000)"}
    # the good text stays in the store; the other note was saved
    assert stored(store, cluster)[0] == {"a": "God tekst", "b": "Annen lapp, endret"}
    save(b, [note("a", "Kortere nå"), note("b", "Annen lapp, endret", order=1)], request=3)
    assert b.errors == {} and b.status == "saved" and stored(store, cluster)[0]["a"] == "Kortere nå"
    # a new note that is too long is not saved at all, nor does it remove anything
    save(b, [note("a", "Kortere nå"), note("b", "Annen lapp, endret", order=1), note("c", "y" * 2001)], request=4)
    assert "c" in b.errors and "c" not in stored(store, cluster)[0] and len(stored(store, cluster)[0]) == 2


def test_bad_fields_are_explained_per_note(store, cluster):
    b = board(store, cluster, lang="en")
    save(b, [note("a", "ok", sdg_targets=["8.99"]), note("b", "ok", visibility="everyone", order=1)])
    assert set(b.errors) == {"a", "b"} and "8.9" in b.errors["a"] and "Visibility" in b.errors["b"]
    assert b.notes == []


def test_forged_messages_cannot_reach_another_organisation(store, cluster, caplog):
    gard_org = cluster["orgs"]["gard"]
    gard = board(store, cluster, who="gard")
    save(gard, [note("g", "Gardens hemmelighet", visibility="private")])
    b = board(store, cluster)
    caplog.set_level(logging.WARNING, logger="klynge.widgets.board")
    b.handle_message({"type": "save", "organisation_id": gard_org, "template": "social_layer", "who": 1,
                      "notes": [note("g", "overskrevet")], "base": 1, "request": 1})
    b.handle_message({"type": "load", "organisation": gard_org, "request": 2})
    b.handle_message({"type": "refresh", "organisation_id": gard_org, "request": 3})
    b.handle_message({"type": "view", "number": 1, "organisation_id": gard_org, "request": 4})
    assert store.canvas(Identity.system(), gard_org, BM)[0].notes[0].text == "Gardens hemmelighet"
    assert all(n["text"] != "Gardens hemmelighet" for n in b.notes + b.snapshot.get("notes", []))
    assert stored(store, cluster)[0] == {"g": "overskrevet"}  # it landed on fjell's own canvas
    assert store.history(Identity.system(), "canvas", gard_org, "social_layer") == []
    logged = caplog.text
    assert "organisation_id" in logged and "unknown type 'load'" in logged


def test_malformed_messages_do_no_harm(store, cluster):
    b = board(store, cluster)
    save(b, [note("a", "Buss")])
    for bad in (None, "save", [], {"type": 3}, {"type": "save", "notes": "all", "request": 9},
                {"type": "save", "notes": [1, {"id": "<img>", "block": "x"}, {"block": "key_partners"}],
                 "base": "1", "request": 10},
                {"type": "view", "number": "1; drop table", "request": 11},
                {"type": "restore", "number": -1, "request": 12},
                {"type": "resolve", "id": ["a"], "choice": "both", "request": 13}):
        b.handle_message(bad)
    assert stored(store, cluster)[0] == {"a": "Buss"} or stored(store, cluster)[0] == {}
    assert "Traceback" not in b.message


def test_notes_dropped_for_bad_ids_are_not_deleted(store, cluster):
    b = board(store, cluster)
    save(b, [note("a", "Buss")])
    save(b, [note("a", "Buss"), {"id": "<img src=x>", "block": "channels", "text": "x"}], request=2)
    assert stored(store, cluster)[0] == {"a": "Buss"}


def test_a_read_only_board_refuses_saves(store, cluster):
    save(board(store, cluster), [note("a", "Delt", visibility="cluster")])
    for who in ("gard", "facilitator"):
        b = board(store, cluster, who=who, owner="fjell")
        assert b.readonly and b.owner == "Fjellguidene"
        save(b, [note("a", "Kapret")])
        assert b.status == "error" and b.message == catalogue("nb")["board.error.readonly"]
        b.handle_message({"type": "restore", "number": 1, "request": 2})
        b.handle_message({"type": "resolve", "id": "a", "choice": "mine", "request": 3})
        assert stored(store, cluster) == ({"a": "Delt"}, 1)
    own = board(store, cluster, readonly=True)
    save(own, [note("a", "Endret")])
    assert own.readonly and stored(store, cluster)[0] == {"a": "Delt"}


def test_the_browser_cannot_switch_off_read_only(store, cluster):
    b = board(store, cluster, who="gard", owner="fjell")
    b.set_state({"readonly": False, "storage_key": "x", "notes": [note("z", "fra nettleseren")]})
    assert b.readonly and b.storage_key != "x" and b.notes == []
    save(b, [note("z", "Kapret")])
    assert stored(store, cluster)[0] == {}


def test_others_read_only_boards_never_hold_private_notes(store, cluster):
    save(board(store, cluster), [note("p", "Nettopris 450 kr", visibility="private"),
                                 note("c", "Deles med klyngen", visibility="cluster", order=1),
                                 note("o", "Offentlig", visibility="public", order=2)])
    b = board(store, cluster, who="gard", owner="fjell")
    assert texts(b) == {"c": "Deles med klyngen", "o": "Offentlig"}
    b.handle_message({"type": "view", "number": 1, "request": 1})
    b.handle_message({"type": "refresh", "request": 2})
    everything = repr(b.get_state())
    assert "Nettopris" not in everything
    facilitator = board(store, cluster, who="facilitator", owner="fjell")
    assert texts(facilitator) == {"c": "Deles med klyngen", "o": "Offentlig"}
    assert "Nettopris" not in repr(facilitator.get_state())


def test_refresh_brings_in_the_others_notes(store, cluster, colleague):
    ada, kari = board(store, cluster), board(store, cluster, who=colleague)
    save(kari, [note("k", "Karis lapp")])
    assert ada.notes == []
    ada.reload()
    assert texts(ada) == {"k": "Karis lapp"} and ada.revision == 1


class _Broken(CanvasService):
    def save(self, *args, **kwargs):
        raise RuntimeError("the disk is on fire")


def test_an_unexpected_error_is_logged_and_shown_kindly(store, cluster, caplog):
    person = cluster["who"]["fjell"]
    b = CanvasBoard(_Broken(store, person, person.organisation_id, BM), lang="sv")
    with caplog.at_level(logging.ERROR, logger="klynge.widgets.board"):
        save(b, [note("a", "x")])
    assert b.status == "error" and b.message == catalogue("sv")["board.error.unexpected"]
    assert not b.answered["ok"] and b.busy is False
    assert "the disk is on fire" in caplog.text and "Traceback" in caplog.text
    assert "fire" not in b.message


BOARD_MODULES = sorted(p.name for p in resources.path("widgets").glob("board*.js"))


@pytest.mark.parametrize("name", BOARD_MODULES)
def test_board_js_draws_no_html_from_strings(name):
    source = resources.path("widgets", name).read_text(encoding="utf-8")
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                  "createContextualFragment", "DOMParser"):
        assert risky not in source, risky


@pytest.mark.parametrize("name", BOARD_MODULES)
def test_board_js_keeps_no_copy_of_the_note_rules(name):
    source = resources.path("widgets", name).read_text(encoding="utf-8")
    assert "A-Za-z0-9" not in source and "NOTE_MAX" not in source
    assert not re.search(r"\b2000\b(?!/svg)", source)  # the SVG namespace's year is no limit


def test_the_widget_module_is_every_board_module_once():
    from klynge.widgets.board import _module

    source = _module()
    assert "./board" not in source and "data:" not in source and "\nimport " not in source
    assert [line[16:] for line in source.splitlines() if line.startswith("// ---- widgets/")] == [
        "board_util.js", "board_actions.js", "board_cards.js", "board_drag.js", "board_paint.js", "board_sync.js",
        "board.js"]
    assert source.rstrip().endswith("export default { render };") and source.count("export ") == 1


@pytest.fixture(scope="module")
def node():
    """Node.js, which parses the board's JavaScript; missing, it stops the run as Chromium and PostgreSQL do."""
    found = shutil.which("node")
    if found is None:
        pytest.exit("Node.js is needed to check the board's JavaScript and is not installed. Install it with:\n"
                    "    apt-get update && apt-get install -y nodejs", returncode=3)
    return found


def test_the_widget_module_parses_and_reads_the_rules_as_python_does(tmp_path, node):
    from klynge.model.canvas import NOTE_ID_PATTERN, is_note_id
    from klynge.widgets.board import _module

    bundle = tmp_path / "board.mjs"
    bundle.write_text(_module(), encoding="utf-8")
    subprocess.run([node, "--check", str(bundle)], check=True)
    samples = ["n1", "a" * 40, "a" * 41, "", "n 1", "n1\n", "<img>", "nø", "A_b-9"]
    code = (f"const r = new RegExp({json.dumps(NOTE_ID_PATTERN)}); "
            f"console.log(JSON.stringify({json.dumps(samples)}.map((s) => r.test(s))))")
    verdicts = json.loads(subprocess.run([node, "-e", code], capture_output=True, text=True, check=True).stdout)
    assert verdicts == [is_note_id(s) for s in samples]


def test_a_module_that_cannot_be_bundled_is_named(tmp_path, monkeypatch):
    from klynge.widgets import board as board_module

    monkeypatch.setattr(board_module, "resources", type("R", (), {"path": staticmethod(lambda *p: tmp_path / p[-1])}))
    (tmp_path / "a.js").write_text('import { f } from "./b.js";\nexport const g = 1;\nexport default { f };\n')
    (tmp_path / "b.js").write_text("export function f() {}\nexport const g = 2;\n")
    with pytest.raises(ValueError, match="widgets/a.js and widgets/b.js both define g"):
        board_module._module.__wrapped__("a.js")
    (tmp_path / "b.js").write_text('import { f } from "./a.js";\nexport function f() {}\n')
    with pytest.raises(ValueError, match="imports itself"):
        board_module._module.__wrapped__("a.js")
    (tmp_path / "b.js").write_text("export function h() {}\n")
    with pytest.raises(ValueError, match="imports f from b.js"):
        board_module._module.__wrapped__("a.js")


def test_the_board_sends_the_rules_of_a_note(store, cluster):
    from klynge.model.base import NOTE_MAX
    from klynge.model.canvas import NOTE_ID_PATTERN

    b = board(store, cluster)
    assert b.rules == {"note_id": NOTE_ID_PATTERN, "text_max": NOTE_MAX}
    assert b.get_state()["rules"] == b.rules


def test_every_label_the_board_uses_is_in_all_three_catalogues():
    source = "\n".join(resources.path("widgets", name).read_text(encoding="utf-8") for name in BOARD_MODULES)
    used = set(re.findall(r'\bL\("([a-z_.0-9]+)"', source))
    used |= {f"status.{k}" for k in ("saved", "saving", "offline", "conflict", "error", "readonly")}
    used |= {f"{p}.{v}" for p in ("vis", "vis_hint") for v in ("private", "cluster", "public")}
    used |= {f"month.{m}" for m in range(1, 13)}
    keys = {lang: {k[6:] for k in catalogue(lang) if k.startswith("board.")} for lang in ("nb", "sv", "en")}
    assert keys["nb"] == keys["sv"] == keys["en"]
    assert used <= keys["en"], used - keys["en"]
    for lang in ("nb", "sv"):
        differs = [k for k in keys["en"] if catalogue(lang)[f"board.{k}"] != catalogue("en")[f"board.{k}"]]
        assert len(differs) > len(keys["en"]) * 0.7, f"{lang} looks untranslated"


def test_notes_from_the_board_are_valid_model_notes(store, cluster):
    b = board(store, cluster)
    save(b, [note("a", "Buss", sdg_targets=["12.b"], months=[1])])
    assert [Note(**n) for n in b.notes][0].sdg_targets == ["12.b"]
