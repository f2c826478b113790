"""Tests for klynge.canvases: the built-in templates, the registry and its error messages."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from klynge import resources
from klynge.canvases import (
    AssessmentTemplate,
    CanvasTemplate,
    Registry,
    default_registry,
    describe,
    layer_stack,
    listing,
)
from klynge.errors import KlyngeError, NotFound, TemplateError
from klynge.settings import LANGUAGES

FIXTURES = Path(__file__).parent / "fixtures" / "canvases"
BUILT_IN = {
    "business_model": 9,
    "value_proposition": 6,
    "environmental_layer": 9,
    "social_layer": 9,
    "cluster_self_assessment": None,
}
LAYERS = ("environmental_layer", "social_layer")

# FACTS.md, Canvases: the Business Model Canvas in the order of its blocks.
BMC_TITLES = {
    "en": ["Key Partners", "Key Activities", "Key Resources", "Value Propositions",
           "Customer Relationships", "Channels", "Customer Segments", "Cost Structure",
           "Revenue Streams"],
    "nb": ["Nøkkelpartnere", "Nøkkelaktiviteter", "Nøkkelressurser", "Verdiforslag",
           "Kunderelasjoner", "Kanaler", "Kundesegmenter", "Kostnadsstruktur",
           "Inntektsstrømmer"],
    "sv": ["Nyckelpartners", "Nyckelaktiviteter", "Nyckelresurser", "Värdeerbjudande",
           "Kundrelationer", "Kanaler", "Kundsegment", "Kostnadsstruktur", "Intäktsflöden"],
}
TLBMC_TITLES = {
    "environmental_layer": ["Supplies and Out-sourcing", "Production", "Materials",
                            "Functional Value", "End-of-Life", "Distribution", "Use Phase",
                            "Environmental Impacts", "Environmental Benefits"],
    "social_layer": ["Local Communities", "Governance", "Employees", "Social Value",
                     "Societal Culture", "Scale of Outreach", "End-User", "Social Impacts",
                     "Social Benefits"],
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry()


def texts(template):
    """Every (path, Text-like dict) in a template, found by walking its data."""
    found = []

    def walk(value, path):
        if isinstance(value, dict) and set(value) == set(LANGUAGES):
            found.append((path, value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    walk(template.model_dump(), template.id)
    return found


def minimal_canvas(template_id: str = "mini") -> dict:
    block = {
        "id": "only",
        "grid": {"row": 1, "col": 1},
        "title": {"nb": "Tittel", "sv": "Titel", "en": "Title"},
        "questions": {"nb": ["Hva?", "Hvem?"], "sv": ["Vad?", "Vem?"], "en": ["What?", "Who?"]},
        "example": {"nb": "En gård på Frøya.", "sv": "En gård på Frøya.", "en": "A farm."},
    }
    return {
        "id": template_id, "kind": "canvas",
        "title": {"nb": "Lite", "sv": "Litet", "en": "Small"},
        "description": {"nb": "Test.", "sv": "Test.", "en": "Test."},
        "credits": "test", "licence": "CC BY-SA 3.0",
        "grid": {"rows": 1, "cols": 2}, "blocks": [block],
    }


def write(folder: Path, name: str, data: dict | str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


# The built-in templates ------------------------------------------------------------------


def test_built_in_folder_is_the_resource_folder(registry):
    assert registry.folders[0] == resources.path("canvases")
    assert set(BUILT_IN) <= set(registry.ids())


@pytest.mark.parametrize("template_id", sorted(BUILT_IN))
def test_built_in_templates_load(registry, template_id):
    template = registry.get(template_id)
    assert template.id == template_id
    assert template.credits and template.licence
    kind = CanvasTemplate if BUILT_IN[template_id] else AssessmentTemplate
    assert isinstance(template, kind)


@pytest.mark.parametrize("template_id, count", [(k, v) for k, v in BUILT_IN.items() if v])
def test_block_counts(registry, template_id, count):
    assert len(registry.get(template_id).blocks) == count


@pytest.mark.parametrize("template_id", sorted(BUILT_IN))
def test_every_text_in_three_languages(registry, template_id):
    template = registry.get(template_id)
    for path, text in texts(template):
        for lang in LANGUAGES:
            value = text[lang]
            assert value if isinstance(value, str) else all(value), f"{path}.{lang} is empty"
            assert "lorem" not in str(value).lower()
    # Long texts are real translations, not copies of one another.
    long = [(p, t) for p, t in texts(template) if isinstance(t["en"], str) and len(t["en"]) > 40]
    assert long
    for path, text in long:
        assert len({text[lang] for lang in LANGUAGES}) == 3, f"{path} repeats a language"


@pytest.mark.parametrize("template_id", [k for k, v in BUILT_IN.items() if v])
def test_blocks_have_two_to_four_questions_and_an_example(registry, template_id):
    for block in registry.get(template_id).blocks:
        for lang in LANGUAGES:
            assert 2 <= len(block.questions_in(lang)) <= 4, (block.id, lang)
            assert block.example_in(lang) and block.title_in(lang)


@pytest.mark.parametrize("template_id", [k for k, v in BUILT_IN.items() if v])
def test_grids_are_valid_and_fully_used(registry, template_id):
    template = registry.get(template_id)
    cells = []
    for block in template.blocks:
        g = block.grid
        assert g.row >= 1 and g.row + g.rowspan - 1 <= template.grid.rows
        assert g.col >= 1 and g.col + g.colspan - 1 <= template.grid.cols
        cells += block.grid.cells()
    assert len(cells) == len(set(cells)), "blocks overlap"
    assert len(cells) == template.grid.rows * template.grid.cols, "the poster has a hole"


def test_business_model_titles_are_those_of_the_facts(registry):
    bmc = registry.get("business_model")
    assert [b.id for b in bmc.blocks] == [
        "key_partners", "key_activities", "key_resources", "value_propositions",
        "customer_relationships", "channels", "customer_segments", "cost_structure",
        "revenue_streams"]
    for lang, titles in BMC_TITLES.items():
        assert [b.title_in(lang) for b in bmc.blocks] == titles
    assert "Osterwalder" in bmc.credits and "Strategyzer" in bmc.credits
    assert bmc.licence == "CC BY-SA 3.0"


def test_three_layers_share_grid_positions(registry):
    economic = registry.get("business_model")
    assert economic.layer == "economic"
    positions = {b.id: b.grid for b in economic.blocks}
    for layer_id, layer in zip(LAYERS, ("environmental", "social"), strict=True):
        template = registry.get(layer_id)
        assert template.layer == layer and template.aligned_with == "business_model"
        assert template.grid == economic.grid
        assert [b.title_in("en") for b in template.blocks] == TLBMC_TITLES[layer_id]
        assert {b.counterpart for b in template.blocks} == set(positions)
        for block in template.blocks:
            assert block.grid == positions[block.counterpart], block.id
        assert "Joyce" in template.credits and "1474-1486" in template.credits


def test_layer_stack_reads_one_place_across_the_layers(registry):
    stack = layer_stack(registry, "key_partners")
    assert [(t.id, b.id) for t, b in stack] == [
        ("business_model", "key_partners"),
        ("environmental_layer", "supplies_outsourcing"),
        ("social_layer", "local_communities")]


def test_value_proposition_credits_the_book(registry):
    vp = registry.get("value_proposition")
    assert [b.id for b in vp.blocks] == ["customer_jobs", "pains", "gains",
                                         "products_services", "pain_relievers", "gain_creators"]
    assert "Value Proposition Design" in vp.credits and "2014" in vp.credits
    # Each row pairs a customer need (column 1) with the part of the offer that answers it.
    rows = {b.grid.row: [] for b in vp.blocks}
    for b in vp.blocks:
        rows[b.grid.row].append(b.id)
    assert rows == {1: ["customer_jobs", "products_services"], 2: ["pains", "pain_relievers"],
                    3: ["gains", "gain_creators"]}


def test_cluster_self_assessment(registry):
    sa = registry.get("cluster_self_assessment")
    assert sa.kind == "assessment" and registry.assessments() == [sa]
    assert [a.title.get("en") for a in sa.areas] == [
        "Resource base", "Relations", "Position and potential", "Ownership and leadership",
        "Goals and strategy", "Implementation plan", "Cluster structure",
        "Management and governance", "Financing of cluster management", "Services",
        "Contacts and interaction", "Achievements and recognition"]
    assert all(sa.questions_in_area(a.id) for a in sa.areas)
    assert [p.value for p in sa.scale] == [1, 2, 3, 4, 5]
    assert [lv.id for lv in sa.levels] == ["starting", "arena_ready", "bronze_ready",
                                           "arena_pro_ready"]
    assert sa.level_for(1.0).id == "starting"
    assert sa.level_for(2.49).id == "starting"
    assert sa.level_for(2.5).id == "arena_ready"
    assert sa.level_for(5).id == "arena_pro_ready"
    assert "not official" in sa.levels_note.get("en")
    assert "ikke offisielle" in sa.levels_note.get("nb")
    assert "inte officiella" in sa.levels_note.get("sv")


# Broken templates ------------------------------------------------------------------------


@pytest.mark.parametrize("template_id, fragments", [
    ("missing_swedish",
     ["missing_swedish.yaml", "blocks[3].title.sv", "expected a text in Swedish (sv)"]),
    ("overlapping_blocks",
     ["overlapping_blocks.yaml", "blocks[2].grid", "expected a free place on the grid",
      "blocks[0] (a)"]),
    ("duplicate_block",
     ["duplicate_block.yaml", "blocks[2].id", "expected an id not used before", "'b'"]),
    ("unknown_parent",
     ["unknown_parent.yaml", "extends", "expected the id of an existing template",
      "no_such_canvas", "business_model"]),
    ("cycle_a", ["cycle_a.yaml", "cycle_b.yaml", "extends", "expected a chain of parents",
                 "cycle"]),
    ("cycle_b", ["cycle_a.yaml", "cycle_b.yaml", "extends", "cycle"]),
    ("yaml_syntax", ["yaml_syntax.yaml", "line 5", "expected valid YAML", "line 4"]),
])
def test_broken_fixture_names_file_field_and_expectation(template_id, fragments):
    registry = Registry([FIXTURES / "broken"])
    with pytest.raises(TemplateError) as caught:
        registry.get(template_id)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_one_broken_file_does_not_hide_the_others():
    registry = Registry([FIXTURES / "broken"])
    assert len(registry.get("business_model").blocks) == 9
    with pytest.raises(TemplateError):
        registry.all()


@pytest.mark.parametrize("change, fragments", [
    (lambda d: d["blocks"][0].update(prompt="x"),
     ["blocks[0].prompt", "expected one of the keys id, title, questions", "'prompt'"]),
    (lambda d: d["blocks"][0]["grid"].update(rowspan="two"),
     ["blocks[0].grid.rowspan", "expected a whole number"]),
    (lambda d: d["blocks"][0]["grid"].update(col=2, colspan=2),
     ["blocks[0].grid", "expected a place inside the 1 x 2 grid"]),
    (lambda d: d["blocks"][0]["questions"]["en"].pop(),
     ["blocks[0].questions", "expected as many questions in each language"]),
    (lambda d: d["blocks"][0]["questions"].pop("nb"),
     ["blocks[0].questions.nb", "expected a list of questions in Norwegian bokmål (nb)"]),
    (lambda d: d["blocks"][0]["example"].update(en=""),
     ["blocks[0].example.en", "expected a text that is not empty"]),
    (lambda d: d.pop("credits"), ["credits", "expected a value for 'credits'"]),
    (lambda d: d.update(kind="poster"), ["kind", "expected canvas or assessment"]),
    (lambda d: d.update(id="other"), ["id", "expected 'mini'"]),
    (lambda d: d["blocks"][0].update(counterpart="channels"),
     ["blocks[0].counterpart", "expected aligned_with"]),
    (lambda d: d.update(layer="social", aligned_with="value_proposition"),
     ["aligned_with", "expected the id of a canvas with layer economic"]),
])
def test_broken_template_messages(tmp_path, change, fragments):
    data = minimal_canvas()
    change(data)
    write(tmp_path, "mini", data)
    with pytest.raises(TemplateError) as caught:
        Registry([tmp_path]).get("mini")
    assert "mini.yaml" in str(caught.value)
    for fragment in fragments:
        assert fragment in str(caught.value)


TEXT = {"nb": "Tekst", "sv": "Text", "en": "Text"}


@pytest.mark.parametrize("change, fragments", [
    ({"questions": [{"id": "extra", "area": "nowhere", "text": TEXT}]},
     ["questions[24].area", "expected one of the areas resource_base"]),
    ({"questions": [{"id": "resource_members", "area": "relations"},
                    {"id": "resource_capacity", "area": "relations"}]},
     ["areas[0]", "expected at least one question in this area"]),
    ({"levels": [{"id": "arena_ready", "min_average": 4.5}]},
     ["levels[2].min_average", "expected more than 4.5 and at most 5"]),
    ({"levels": [{"id": "starting", "min_average": 0}]},
     ["levels[0].min_average", "expected 1, the lowest scale value"]),
    ({"scale": [{"value": 1, "label": TEXT}]}, ["scale", "expected 2 or more items, got 1"]),
    ({"areas": [{"id": "relations", "title": {"en": "Ties"}, "framework": ""}]},
     ["areas[1].framework", "expected a text that is not empty", "(area relations)"]),
])
def test_broken_assessment_messages(tmp_path, change, fragments):
    write(tmp_path, "ours", {"extends": "cluster_self_assessment", **change})
    with pytest.raises(TemplateError) as caught:
        Registry([tmp_path]).get("ours")
    for fragment in ["ours.yaml", *fragments]:
        assert fragment in str(caught.value)


def test_a_facilitator_can_replace_the_levels(tmp_path):
    levels = [{"id": "low", "min_average": 1, "title": TEXT, "description": TEXT},
              {"id": "high", "min_average": 3, "title": TEXT, "description": TEXT}]
    write(tmp_path, "cluster_self_assessment",
          {"extends": "cluster_self_assessment", "replace": ["levels"], "levels": levels})
    ours = Registry([tmp_path]).get("cluster_self_assessment")
    assert [lv.id for lv in ours.levels] == ["low", "high"]
    assert ours.level_for(4.2).id == "high"
    assert len(ours.questions) == 24 and ours.levels_note  # the rest is inherited


def test_without_replace_lists_merge_by_id(tmp_path):
    write(tmp_path, "ours", {"extends": "cluster_self_assessment", "levels": [
        {"id": "arena_ready", "title": {"en": "Arena, here we come"}}]})
    ours = Registry([tmp_path]).get("ours")
    assert [lv.id for lv in ours.levels] == ["starting", "arena_ready", "bronze_ready",
                                             "arena_pro_ready"]
    assert ours.levels[1].title_in("en") == "Arena, here we come"
    assert ours.levels[1].title_in("nb") == "Klar for Arena"


def test_replace_must_be_a_list_of_names(tmp_path):
    write(tmp_path, "ours", {"extends": "cluster_self_assessment", "replace": "levels"})
    with pytest.raises(TemplateError, match=r"ours\.yaml: replace: expected a list of field"):
        Registry([tmp_path]).get("ours")


def test_a_key_given_twice_is_an_error(tmp_path):
    text = yaml.safe_dump(minimal_canvas(), allow_unicode=True) + "licence: MIT\n"
    write(tmp_path, "mini", text)
    with pytest.raises(TemplateError, match=r"mini\.yaml: line \d+.*'licence' appears twice"):
        Registry([tmp_path]).get("mini")


def test_top_level_must_be_a_mapping(tmp_path):
    write(tmp_path, "mini", "- just\n- a list\n")
    with pytest.raises(TemplateError, match="expected a mapping of template fields"):
        Registry([tmp_path]).get("mini")


def test_a_moved_economic_block_breaks_the_layers():
    registry = Registry([FIXTURES / "misaligned"])
    assert registry.get("business_model").block("customer_segments").grid.col == 11
    with pytest.raises(TemplateError) as caught:
        registry.get("environmental_layer")
    message = str(caught.value)
    for fragment in ["environmental_layer.yaml", "blocks[6].counterpart",
                     "expected a block of business_model at the same place",
                     "misaligned/business_model.yaml"]:
        assert fragment in message


# Search path, overrides and extends -------------------------------------------------------


def test_custom_folder_overrides_a_built_in():
    registry = Registry([FIXTURES / "override"])
    vp = registry.get("value_proposition")
    assert [b.id for b in vp.blocks] == ["guest", "offer"]
    assert vp.title_in("sv") == "Vårt värdeblad"


def test_template_extending_its_own_id_changes_only_what_it_names():
    registry = Registry([FIXTURES / "override"])
    bmc, built_in = registry.get("business_model"), Registry().get("business_model")
    assert bmc.block("revenue_streams").title_in("sv") == "Intäktsströmmar"
    assert bmc.block("revenue_streams").title_in("nb") == "Inntektsstrømmer"
    assert bmc.block("revenue_streams").questions == built_in.block("revenue_streams").questions
    assert bmc.blocks[:8] == built_in.blocks[:8]
    assert bmc.extends == "business_model" and bmc.layer == "economic"
    registry.get("social_layer")  # still aligned


def test_custom_template_extends_business_model_with_an_extra_block():
    registry = Registry([FIXTURES / "extend"])
    food = registry.get("business_model_food")
    assert food.extends == "business_model" and food.layer == "economic"
    assert len(food.blocks) == 10 and food.blocks[-1].id == "local_food"
    assert (food.grid.rows, food.grid.cols) == (4, 10)
    assert food.block("local_food").grid.colspan == 10
    partners = food.block("key_partners")
    assert partners.example_in("en").startswith("A farm shop on Frøya buys seaweed")
    assert partners.example_in("nb").startswith("Et guideselskap i Oppdal")
    assert partners.title_in("sv") == "Nyckelpartners"
    assert food.title_in("en") == "Business model with local food"
    assert len(registry.get("business_model").blocks) == 9


def test_later_folders_win(tmp_path):
    write(tmp_path / "first", "mini", minimal_canvas())
    second = minimal_canvas()
    second["title"]["en"] = "Second"
    write(tmp_path / "second", "mini", second)
    registry = Registry([tmp_path / "first", tmp_path / "second"])
    assert registry.get("mini").title_in("en") == "Second"


def test_unknown_id_is_not_found_and_lists_what_exists():
    registry = Registry([FIXTURES / "extend"])
    with pytest.raises(NotFound) as caught:
        registry.get("no_such_canvas")
    message = str(caught.value)
    assert "no_such_canvas" in message
    assert str(FIXTURES / "extend") in message and str(resources.path("canvases")) in message
    for template_id in [*BUILT_IN, "business_model_food"]:
        assert template_id in message


def test_missing_folder_is_not_found(tmp_path):
    with pytest.raises(NotFound, match="does not exist"):
        Registry([tmp_path / "nowhere"])


def test_register_wins_over_files_and_can_be_extended(tmp_path):
    data = minimal_canvas("value_proposition")
    write(tmp_path, "child", {"extends": "value_proposition", "title": {"en": "Child"}})
    registry = Registry([tmp_path])
    registry.register(CanvasTemplate.model_validate(data))
    assert len(registry.get("value_proposition").blocks) == 1
    child = registry.get("child")
    assert child.title_in("en") == "Child" and child.title_in("nb") == "Lite"
    with pytest.raises(TypeError):
        registry.register(data)


def test_kind_filters(registry):
    assert {t.id for t in registry.canvases()} == {k for k, v in BUILT_IN.items() if v}
    assert [t.id for t in registry.assessments()] == ["cluster_self_assessment"]
    assert [t.id for t in registry.all()] == sorted(BUILT_IN)


def test_default_registry_is_cached_by_folders():
    assert default_registry() is default_registry(())
    extended = default_registry([FIXTURES / "extend"])
    assert extended is default_registry((str(FIXTURES / "extend"),))
    assert extended is not default_registry()
    assert "business_model_food" in extended.ids()


def test_templates_do_not_share_state_through_merges(tmp_path):
    data = minimal_canvas()
    write(tmp_path, "mini", data)
    write(tmp_path, "child", {"extends": "mini", "blocks": [{"id": "only", "title": {"en": "X"}}]})
    registry = Registry([tmp_path])
    before = copy.deepcopy(registry.get("mini").model_dump())
    assert registry.get("child").blocks[0].title_in("en") == "X"
    assert registry.get("mini").model_dump() == before


# Display ---------------------------------------------------------------------------------


def test_describe_a_canvas(registry):
    text = describe(registry.get("business_model"), "sv")
    assert text.startswith("Affärsmodellkanvas (business_model)")
    assert "Strategyzer" in text and "CC BY-SA 3.0" in text
    assert "1. Nyckelpartners [key_partners]" in text
    assert "   - Vilka samarbetspartner behöver du" in text
    assert "Exempel: Ett guideföretag i Oppdal" in text
    assert text.index("Nyckelpartners") < text.index("Intäktsflöden")


def test_describe_an_assessment(registry):
    text = describe(registry.get("cluster_self_assessment"), "nb")
    assert "Klyngens egenvurdering" in text and "Ressursgrunnlag" in text
    assert "[resource_members]" in text and "1 Ikke i det hele tatt" in text
    assert "2.5: Klar for Arena." in text
    assert "ikke offisielle kriterier" in text


def test_listing(registry):
    lines = listing(registry, "en").splitlines()
    assert lines[0].split() == ["id", "kind", "size", "title"]
    assert len(lines) == 1 + len(BUILT_IN)
    row = next(line for line in lines if line.startswith("business_model "))
    assert row.split()[:4] == ["business_model", "canvas", "9", "blocks"]
    assert row.endswith("Business Model Canvas")
    assert "24 frågor" in listing(registry, "sv")


def test_unknown_language_is_refused(registry):
    with pytest.raises(NotFound, match="expected one of nb, sv, en"):
        describe(registry.get("business_model"), "de")
    with pytest.raises(KlyngeError):
        registry.get("business_model").blocks[0].title_in("no")
