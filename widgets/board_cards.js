// A note on the canvas board: its card (text, visibility, tags, actions) and its editor (text with a
// count against the note length the server sends, visibility, SDG targets, months, place). A card is
// rebuilt only when what it shows changes, so typing is never interrupted.

import { VISIBILITIES, h, icon } from "./board_util.js";

// The cards of one board; `board` is what render() shares: the model, the state `S`, the helpers.
export function cards(board) {
  const { S, uid, get, L, ro, blocks, blockTitle, inBlock, textMax } = board;

  // One card per note, rebuilt only when what it shows changes (so typing is never interrupted).
  function card(n, { viewing, conflict }) {
    const key = viewing ? `snap:${n.id}` : n.id;
    const editing = !viewing && !ro() && S.editing === n.id;
    const error = viewing ? "" : (get("errors", {})[n.id] || "");
    const shown = editing ? { ...n, text: null } : n;
    const signature = JSON.stringify([shown, editing, !viewing && S.confirming === n.id, ro(), viewing, conflict]);
    let entry = S.cards.get(key);
    if (!entry || entry.signature !== signature) {
      entry = editing ? editor(n) : view(n, { viewing, conflict });
      entry.signature = signature;
      S.cards.set(key, entry);
    }
    if (entry.text && entry.text.value !== n.text) { // someone else's change, adopted while editing
      const [a, b] = [entry.text.selectionStart, entry.text.selectionEnd];
      entry.text.value = n.text;
      try { entry.text.setSelectionRange(a, b); } catch (e) { /* detached */ }
    }
    if (entry.count) paintCount(entry, n.text);
    if (entry.fieldError) {
      entry.fieldError.textContent = S.fieldErrors.get(n.id) || "";
      entry.fieldError.hidden = !S.fieldErrors.get(n.id);
    }
    entry.error.textContent = error;
    entry.error.hidden = !error;
    return entry.node;
  }

  function visBadge(vis) {
    return h("span", { class: `kb-vis kb-vis-${vis}`, title: vis === "private" ? L("private_note") : L(`vis_hint.${vis}`) },
      icon(vis), h("span", { text: L(`vis.${vis}`) }));
  }

  function tags(n) {
    const months = [...(n.months || [])].sort((a, b) => a - b);
    if (!n.sdg_targets?.length && !months.length) return null;
    return h("ul", { class: "kb-tags", "aria-label": `${L("sdg")}, ${L("months")}` },
      (n.sdg_targets || []).map((c) => h("li", { class: "kb-tag kb-tag-sdg", text: c })),
      months.map((m) => h("li", { class: "kb-tag kb-tag-month", text: L(`month.${m}`) })));
  }

  function view(n, { viewing, conflict }) {
    const still = ro() || viewing;
    const vis = VISIBILITIES.includes(n.visibility) ? n.visibility : "cluster";
    const error = h("p", { class: "kb-error kb-note-error", role: "alert", hidden: true });
    const node = h("div", { class: `kb-card kb-card-${vis}${conflict ? " kb-card-conflict" : ""}`, role: "listitem",
      tabindex: "0", "data-id": n.id, "data-focus": viewing ? null : `card:${n.id}`, draggable: still ? null : "true",
      "aria-label": L("note_label", { block: blockTitle(n.block), text: (n.text || "").slice(0, 120) }) });
    const handle = still ? null : h("span", { class: "kb-handle", title: L("drag"), "aria-hidden": "true" }, "⠿");
    node.append(h("div", { class: "kb-card-top" }, handle, visBadge(vis), conflict ? h("span", { class: "kb-flag", text: L("status.conflict") }) : null),
      h("p", { class: "kb-text", text: n.text || "" }), tags(n) || "");
    if (!still && S.confirming === n.id) {
      node.append(h("div", { class: "kb-confirm", onkeydown: (e) => {
        if (e.key === "Escape") { e.preventDefault(); S.confirming = null; S.focusNext = `card:${n.id}`; board.paint(); }
      } }, h("p", { text: L("delete_confirm") }), h("div", { class: "kb-actions" },
        h("button", { type: "button", class: "kb-btn kb-danger", "data-focus": `del-yes:${n.id}`, onclick: () => board.remove(n.id) }, L("delete")),
        h("button", { type: "button", class: "kb-btn", "data-focus": `del-no:${n.id}`, onclick: () => {
          S.confirming = null; S.focusNext = `card:${n.id}`; board.paint();
        } }, L("cancel")))));
    } else if (!still) {
      node.append(h("div", { class: "kb-actions kb-card-actions" },
        h("button", { type: "button", class: "kb-btn", "data-focus": `edit:${n.id}`, onclick: () => board.openEditor(n.id) }, L("edit")),
        h("button", { type: "button", class: "kb-btn", "data-focus": `del:${n.id}`, onclick: () => board.askDelete(n.id) }, L("delete"))));
    }
    node.append(error);
    if (!still) {
      node.addEventListener("keydown", (e) => board.cardKeys(e, n.id));
      node.addEventListener("dragstart", (e) => {
        if (S.drag?.pointer) return e.preventDefault();
        e.dataTransfer.setData("application/x-klynge-note", n.id);
        e.dataTransfer.effectAllowed = "move";
        S.drag = { id: n.id, node, target: null };
        node.classList.add("kb-dragging");
      });
      node.addEventListener("dragend", () => board.finishDrag(false));
      handle.addEventListener("pointerdown", (e) => board.startPointerDrag(e, n.id, node, handle));
    }
    return { node, error };
  }

  function paintCount(entry, text) {
    const n = (text || "").length;
    entry.count.textContent = L("chars", { n, max: textMax() });
    entry.count.classList.toggle("kb-over", n > textMax());
    entry.tooLong.hidden = n <= textMax();
  }

  function editor(n) {
    const id = n.id;
    const base = `${uid}-${id}`;
    const text = h("textarea", { id: `${base}-text`, class: "kb-textarea", rows: "4", "data-focus": `text:${id}`,
      "aria-describedby": `${base}-count ${base}-long ${base}-error`, value: n.text });
    const count = h("p", { class: "kb-chars", id: `${base}-count` });
    const tooLong = h("p", { class: "kb-error", id: `${base}-long`, text: L("too_long", { max: textMax() }), hidden: true });
    const error = h("p", { class: "kb-error kb-note-error", id: `${base}-error`, role: "alert", hidden: true });
    const entry = { text, count, tooLong, error };
    text.addEventListener("input", () => {
      const note = S.local.get(id);
      if (!note) return;
      S.local.set(id, { ...note, text: text.value });
      paintCount(entry, text.value);
      board.touched(true);
    });
    text.addEventListener("keydown", (e) => {
      if (e.key === "Escape" || (e.key === "Enter" && (e.ctrlKey || e.metaKey))) { e.preventDefault(); board.closeEditor(id); }
    });
    const vis = h("fieldset", { class: "kb-field" }, h("legend", { text: L("visibility") }), h("div", { class: "kb-choices" },
      VISIBILITIES.map((v) => h("button", { type: "button", class: `kb-choice kb-vis-${v}`, "aria-pressed": String(n.visibility === v),
        "data-focus": `vis:${v}:${id}`, onclick: () => { S.focusNext = `vis:${v}:${id}`; board.change(id, { visibility: v }); } },
      icon(v), h("span", { class: "kb-choice-label", text: L(`vis.${v}`) }),
      h("span", { class: "kb-choice-hint", text: L(`vis_hint.${v}`) })))));
    const sdgInput = h("input", { type: "text", class: "kb-input", id: `${base}-sdg`, inputmode: "decimal", autocomplete: "off",
      placeholder: L("sdg_placeholder"), "data-focus": `sdg-input:${id}`, "aria-describedby": `${base}-sdg-error` });
    sdgInput.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); board.addTargets(id, sdgInput); } });
    const fieldError = h("p", { class: "kb-error kb-field-error", id: `${base}-sdg-error`, role: "alert", text: S.fieldErrors.get(id) || "", hidden: !S.fieldErrors.get(id) });
    entry.fieldError = fieldError;
    const sdg = h("fieldset", { class: "kb-field" }, h("legend", { text: L("sdg") }),
      h("div", { class: "kb-chips" }, n.sdg_targets.map((code) => h("button", { type: "button", class: "kb-chip", "data-focus": `sdg:${code}:${id}`,
        "aria-label": L("sdg_remove", { code }), onclick: () => {
          S.focusNext = `sdg-input:${id}`;
          board.change(id, { sdg_targets: n.sdg_targets.filter((c) => c !== code) });
        } }, code, h("span", { "aria-hidden": "true", text: " ×" })))),
      h("div", { class: "kb-row" }, h("label", { class: "kb-sr", for: sdgInput.id, text: L("sdg") }), sdgInput,
        h("button", { type: "button", class: "kb-btn", "data-focus": `sdg-add:${id}`, onclick: () => board.addTargets(id, sdgInput) }, L("sdg_add"))),
      fieldError);
    const months = h("fieldset", { class: "kb-field" }, h("legend", { text: L("months") }), h("div", { class: "kb-months" },
      Array.from({ length: 12 }, (_, i) => i + 1).map((m) => h("button", { type: "button", class: "kb-month", "aria-pressed": String(n.months.includes(m)),
        "data-focus": `month:${m}:${id}`, onclick: () => {
          S.focusNext = `month:${m}:${id}`;
          const set = new Set(n.months);
          set.has(m) ? set.delete(m) : set.add(m);
          board.change(id, { months: [...set].sort((a, b) => a - b) });
        } }, L(`month.${m}`)))));
    const place = inBlock(n.block).findIndex((x) => x.id === id);
    const select = h("select", { class: "kb-input", id: `${base}-block`, "data-focus": `block:${id}` },
      blocks().map((b) => h("option", { value: b.id, selected: b.id === n.block }, b.title)));
    select.addEventListener("change", () => board.move(id, select.value, inBlock(select.value).length, `block:${id}`));
    const moveRow = h("div", { class: "kb-field" }, h("label", { class: "kb-label", for: select.id, text: L("move_to") }), select,
      h("div", { class: "kb-row" }, h("button", { type: "button", class: "kb-btn", "data-focus": `up:${id}`, disabled: place <= 0,
        onclick: () => board.move(id, n.block, place - 1, place > 1 ? `up:${id}` : `down:${id}`) }, L("move_up")),
      h("button", { type: "button", class: "kb-btn", "data-focus": `down:${id}`, disabled: place >= inBlock(n.block).length - 1,
        onclick: () => board.move(id, n.block, place + 1, place < inBlock(n.block).length - 2 ? `down:${id}` : `up:${id}`) }, L("move_down"))));
    const node = h("div", { class: `kb-card kb-editor kb-card-${n.visibility}`, role: "listitem", "data-id": id },
      h("label", { class: "kb-label", for: text.id, text: L("text") }), text, count, tooLong, error, vis, sdg, months, moveRow,
      h("div", { class: "kb-actions" },
        h("button", { type: "button", class: "kb-btn kb-primary", "data-focus": `done:${id}`, onclick: () => board.closeEditor(id) }, L("done")),
        h("button", { type: "button", class: "kb-btn", "data-focus": `del:${id}`, onclick: () => board.askDelete(id) }, L("delete"))));
    entry.node = node;
    return entry;
  }

  return { card, visBadge, tags, view, paintCount, editor };
}
