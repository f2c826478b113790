// What a person does to the canvas board's notes: add, edit, move (by keys or the block menu), delete,
// tag with SDG targets, settle a conflict, open the history. Each changes the working copy and asks
// for a save; the drawing follows from `board.paint()`.

import { ARROWS, TARGET, cleanNote, put, randomHex } from "./board_util.js";

// The actions of one board; `board` is what render() shares: the model, the state `S`, the helpers.
export function actions(board) {
  const { S, get, L, ro, blocks, blockTitle, inBlock, noteId } = board;

  function renumber(block) {
    inBlock(block).forEach((n, i) => { if (n.order !== i) S.local.set(n.id, { ...n, order: i }); });
  }

  function move(id, block, index, focus) {
    const note = S.local.get(id);
    if (!note || ro()) return;
    const from = note.block;
    const list = inBlock(block).filter((n) => n.id !== id);
    index = Math.max(0, Math.min(index, list.length));
    list.splice(index, 0, { ...note, block });
    list.forEach((n, i) => { if (n.id === id || n.order !== i) S.local.set(n.id, { ...n, block, order: i }); });
    if (from !== block) renumber(from);
    S.collapsed.delete(block);
    S.focusNext = focus || `card:${id}`;
    announce(L("moved", { block: blockTitle(block), n: index + 1 }));
    board.touched();
  }

  function keyMove(id, key) {
    const note = S.local.get(id);
    const ids = blocks().map((b) => b.id);
    const place = inBlock(note.block).findIndex((n) => n.id === id);
    if (key === "ArrowUp" && place > 0) move(id, note.block, place - 1);
    else if (key === "ArrowDown") move(id, note.block, place + 1);
    else if (key === "ArrowLeft" || key === "ArrowRight") {
      const next = ids[ids.indexOf(note.block) + (key === "ArrowLeft" ? -1 : 1)];
      if (next) move(id, next, inBlock(next).length);
    }
  }

  function addNote(block) {
    const id = `n${randomHex(8)}`;
    S.local.set(id, { id, block, text: "", order: inBlock(block).length, visibility: "cluster", sdg_targets: [], months: [] });
    S.editing = id;
    S.focusNext = `text:${id}`;
    board.touched();
  }

  function closeEditor(id) {
    const note = S.local.get(id);
    S.editing = null;
    S.fieldErrors.delete(id);
    S.focusNext = `card:${id}`;
    if (note && !note.text.trim() && !note.sdg_targets.length && !note.months.length) {
      S.local.delete(id); // an empty note is not worth keeping
      renumber(note.block);
      S.focusNext = `add:${note.block}`;
      board.touched();
    } else {
      board.paint();
    }
  }

  function remove(id) {
    const note = S.local.get(id);
    if (!note) return;
    const list = inBlock(note.block);
    const next = list[list.findIndex((n) => n.id === id) + 1] || list[list.findIndex((n) => n.id === id) - 1];
    S.local.delete(id);
    S.confirming = null;
    S.editing = S.editing === id ? null : S.editing;
    renumber(note.block);
    S.focusNext = next ? `card:${next.id}` : `add:${note.block}`;
    announce(L("deleted_note"));
    board.touched();
  }

  function addTargets(id, input) {
    const note = S.local.get(id);
    const known = new Set(get("template", {}).sdg_codes || []);
    const codes = input.value.split(/[\s,;]+/).map((c) => c.trim().toLowerCase()).filter(Boolean);
    const targets = [...note.sdg_targets];
    for (const code of codes) {
      const problem = !TARGET.test(code) ? "sdg_bad_form" : known.size && !known.has(code) ? "sdg_unknown" : null;
      if (problem) {
        S.fieldErrors.set(id, L(problem, { code: code.slice(0, 12) }));
        board.paintBlocks();
        return;
      }
      if (!targets.includes(code) && targets.length < 20) targets.push(code);
    }
    S.fieldErrors.delete(id);
    S.focusNext = `sdg-input:${id}`;
    board.change(id, { sdg_targets: targets });
  }

  function resolve(conflict, choice) {
    if (choice === "theirs") put(S.local, conflict.id, conflict.theirs ? cleanNote(conflict.theirs, noteId()) : null);
    board.enqueue({ type: "resolve", id: conflict.id, choice });
    board.paint();
  }

  function announce(text) {
    if (S.dom) S.dom.live.textContent = text;
  }

  function openEditor(id) {
    S.editing = id;
    S.confirming = null;
    S.focusNext = `text:${id}`;
    board.paint();
  }

  function askDelete(id) {
    S.confirming = id;
    S.editing = null;
    S.focusNext = `del-yes:${id}`;
    board.paint();
  }

  function cardKeys(e, id) {
    if (e.target !== e.currentTarget) return;
    if (e.altKey && ARROWS.includes(e.key)) {
      e.preventDefault();
      keyMove(id, e.key);
    } else if ((e.key === "ArrowUp" || e.key === "ArrowDown") && !e.altKey) {
      const cards = [...root.querySelectorAll(".kb-card[data-focus]")];
      const next = cards[cards.indexOf(e.currentTarget) + (e.key === "ArrowUp" ? -1 : 1)];
      if (next) { e.preventDefault(); next.focus(); }
    } else if (e.key === "Enter") {
      e.preventDefault();
      openEditor(id);
    } else if (e.key === "Delete" || e.key === "Backspace") {
      e.preventDefault();
      askDelete(id);
    }
  }

  function toggleHistory() {
    S.historyOpen = !S.historyOpen;
    if (S.historyOpen) board.enqueue({ type: "history" });
    board.paint();
  }

  return { renumber, move, keyMove, addNote, closeEditor, remove, addTargets, resolve, announce, openEditor, askDelete, cardKeys, toggleHistory };
}
