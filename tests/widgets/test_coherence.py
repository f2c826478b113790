from klynge.canvases import default_registry
from klynge.widgets.coherence import LAYERS, CoherenceView, Layer, rows


def layers(notes=None):
    registry = default_registry()
    return [Layer(registry.get(t), (notes or {}).get(t, {})) for t in LAYERS]


def test_each_row_holds_the_blocks_in_the_same_place():
    table = rows(layers())
    assert len(table) == 9
    for row in table:
        places = {(block.grid.row, block.grid.col) for block, _ in row if block is not None}
        assert len(places) == 1 and all(block is not None for block, _ in row)


def test_notes_are_shown_escaped_and_relabelled():
    hostile = '<img src=x onerror="window.__pwned=1">'
    view = CoherenceView(lambda: layers({"business_model": {"key_partners": [hostile]}}))
    html = view.children[1].value
    assert hostile not in html and "&lt;img src=x" in html
    view.lang = "sv"
    assert "De tre lagren" in view.children[0].value
