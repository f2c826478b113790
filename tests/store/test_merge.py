from klynge.store.merge import merge

BASE = {"a": 1, "b": 2, "c": 3}


def test_changes_on_different_items_merge():
    merged, clashes = merge(BASE, {**BASE, "a": 10}, {**BASE, "b": 20, "d": 4})
    assert merged == {"a": 10, "b": 20, "c": 3, "d": 4} and clashes == []


def test_same_change_on_both_sides_is_no_clash():
    merged, clashes = merge(BASE, {**BASE, "a": 5}, {**BASE, "a": 5})
    assert merged["a"] == 5 and not clashes


def test_same_item_changed_differently_clashes_and_keeps_theirs():
    merged, clashes = merge(BASE, {**BASE, "a": "theirs"}, {**BASE, "a": "mine"})
    assert merged["a"] == "theirs"
    assert [(c.item_id, c.base, c.theirs, c.mine) for c in clashes] == [("a", 1, "theirs", "mine")]


def test_deletions_merge_unless_the_other_side_edited():
    merged, clashes = merge(BASE, {**BASE, "a": 9}, {"a": 1, "c": 3})
    assert merged == {"a": 9, "c": 3} and not clashes
    merged, clashes = merge(BASE, {"b": 2, "c": 3}, {**BASE, "a": 7})
    assert [c.item_id for c in clashes] == ["a"] and clashes[0].theirs is None


def test_both_adding_the_same_new_id_differently_clashes():
    _, clashes = merge({}, {"n": "x"}, {"n": "y"})
    assert clashes[0].base is None
