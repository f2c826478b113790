// Klynge's canvas board: the blocks of a canvas template with sticky notes (an anywidget ES module).
//
// Safety: every text a person typed, and every text from a template, reaches the page through
// textContent, value or setAttribute, never as HTML. The Python side (klynge.widgets.board) holds
// the saved state; this side keeps the working copy, autosaves it, keeps unsaved text in
// localStorage and merges what the server sends with what is being typed.

import {
  ARROWS, TARGET, VISIBILITIES, cleanNote, fill, h, icon, put, randomHex, same, scrollParent, stash, stashed, tabId,
} from "./board_util.js";

const NOTE_MAX = 2000;
const SAVE_DELAY = 800; // ms after the last keystroke
const REFRESH_EVERY = 10000; // ms between looks for others' notes while the page is visible
const OFFLINE_AFTER = 8000; // ms without an answer before the status says offline
const RESEND_AFTER = 30000; // ms without an answer before a request is sent again

// ---- the view -----------------------------------------------------------------------------
function render({ model, el }) {
  const root = h("div", { class: "klynge-board" });
  el.append(root);
  const uid = `kb${randomHex(4)}`;
  const tab = tabId();
  const S = {
    local: new Map(), // id -> note: the working copy shown and sent
    shadow: new Map(), // id -> note as the server last had it (what `local` was made from)
    base: 0, // the revision a save names
    seq: Math.floor(Math.random() * 1e6) * 1000,
    inflight: null, queue: [], timer: null, edits: 0, lastEdit: 0, offline: false,
    editing: null, confirming: null, help: new Set(), collapsed: new Set(), historyOpen: false,
    viewing: false, restoreAsk: false, offers: [], fieldErrors: new Map(), focusNext: null,
    drag: null, dom: null, cards: new Map(),
  };
  const get = (name, fallback) => model.get(name) ?? fallback;
  const L = (key, values) => fill(get("labels", {})[key] ?? key, values);
  const ro = () => Boolean(get("readonly", false));
  const blocks = () => get("template", {}).blocks || [];
  const blockTitle = (id) => (blocks().find((b) => b.id === id) || {}).title || L("other_block");
  const serverNotes = () => new Map(get("notes", []).map((n) => [n.id, n]));
  const inBlock = (id, notes = S.local) => [...notes.values()].filter((n) => n.block === id)
    .sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1));
  const dirtyIds = () => [...new Set([...S.local.keys(), ...S.shadow.keys()])]
    .filter((id) => !same(S.local.get(id), S.shadow.get(id)));

  // ---- talking to Python: one request at a time, answers named in the `answered` trait ----
  function enqueue(item) {
    if (ro() && ["save", "restore", "resolve"].includes(item.type)) return;
    if (item.type === "save" && S.queue.some((q) => q.type === "save")) return;
    if (item.type === "refresh" && (S.queue.length || S.inflight)) return;
    S.queue.push(item);
    pump();
  }

  function pump() {
    if (S.inflight || !S.queue.length) return;
    const item = S.queue.shift();
    const msg = { ...item, request: ++S.seq };
    const flight = { request: msg.request, type: item.type, at: Date.now(), edits: S.edits };
    if (item.type === "save") {
      msg.notes = [...S.local.values()];
      msg.base = S.base || null;
    }
    if (item.type === "save" || item.type === "resolve") flight.sent = new Map(S.local);
    S.inflight = flight;
    try {
      model.send(msg);
    } catch (e) {
      S.offline = true;
    }
    setTimeout(() => {
      if (S.inflight === flight) { S.offline = true; paintStatus(); }
    }, OFFLINE_AFTER);
    paintStatus();
  }

  function onAnswered() {
    const answer = get("answered", {});
    const flight = S.inflight;
    if (!flight || answer.request !== flight.request) return;
    S.inflight = null;
    S.offline = false;
    if (flight.type === "view") S.viewing = Boolean(get("snapshot", {}).number);
    adopt(answer.ok ? flight.sent || null : null); // a failed save changed nothing on the server
    if (flight.type === "save" && S.edits > flight.edits && !S.timer) enqueue({ type: "save" });
    pump();
    paint();
  }

  // Take in the server's notes without losing what is being typed. `sent` is what our save sent:
  // notes unchanged since then take the server's version; notes edited since stay as they are.
  function adopt(sent) {
    const server = serverNotes();
    const errors = get("errors", {});
    let moveBase = true;
    const ids = new Set([...S.local.keys(), ...S.shadow.keys(), ...server.keys(), ...(sent ? sent.keys() : [])]);
    for (const id of ids) {
      const mine = S.local.get(id), theirs = server.get(id);
      const from = sent ? sent.get(id) : S.shadow.get(id);
      if (!(id in errors) && same(mine, from)) {
        if (!same(mine, theirs)) put(S.local, id, theirs);
        put(S.shadow, id, theirs);
      } else if (sent || same(theirs, S.shadow.get(id))) {
        put(S.shadow, id, theirs);
      } else {
        moveBase = false; // changed here and there: keep the old base so the store sees both
      }
    }
    if (moveBase) S.base = get("revision", 0);
    else enqueue({ type: "save" });
    persist();
  }

  function touched(light) {
    S.edits += 1;
    S.lastEdit = Date.now();
    persist();
    clearTimeout(S.timer);
    S.timer = setTimeout(() => { S.timer = null; enqueue({ type: "save" }); }, SAVE_DELAY);
    if (light) paintStatus();
    else paint();
  }

  function change(id, patch, light) {
    const note = S.local.get(id);
    if (!note) return;
    S.local.set(id, { ...note, ...patch });
    touched(light);
  }

  // ---- unsaved text in localStorage, offered back after a reload ----------------------------
  function persist() {
    const key = get("storage_key", "");
    if (!key || ro()) return;
    const conflicts = get("conflicts", []);
    const bases = [S.base, ...conflicts.map((c) => c.base)].filter((n) => Number.isInteger(n) && n > 0);
    stash(`${key}:${tab}`, dirtyIds().length || conflicts.length ? {
      v: 1, time: S.lastEdit || Date.now(), base: bases.length ? Math.min(...bases) : null, notes: [...S.local.values()],
    } : null);
  }

  function answerOffer(restore) {
    const offer = S.offers.shift();
    if (!offer) return;
    stash(offer.name, null);
    if (restore) {
      S.local = new Map(offer.notes.map((n) => [n.id, n]));
      if (offer.base !== null) S.base = offer.base; // the store merges others' changes since then
      S.focusNext = "history";
      S.lastEdit = offer.time;
      touched();
      clearTimeout(S.timer);
      S.timer = null;
      enqueue({ type: "save" });
    } else {
      paint();
    }
  }

  // ---- actions ------------------------------------------------------------------------------
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
    touched();
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
    touched();
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
      touched();
    } else {
      paint();
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
    touched();
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
        paintBlocks();
        return;
      }
      if (!targets.includes(code) && targets.length < 20) targets.push(code);
    }
    S.fieldErrors.delete(id);
    S.focusNext = `sdg-input:${id}`;
    change(id, { sdg_targets: targets });
  }

  function resolve(conflict, choice) {
    if (choice === "theirs") put(S.local, conflict.id, conflict.theirs ? cleanNote(conflict.theirs) : null);
    enqueue({ type: "resolve", id: conflict.id, choice });
    paint();
  }

  function announce(text) {
    if (S.dom) S.dom.live.textContent = text;
  }

  // ---- drawing: a skeleton per template and language, then cards kept by id ------------------
  function build() {
    S.building = false;
    const tpl = get("template", {});
    const active = root.contains(document.activeElement) ? document.activeElement.getAttribute("data-focus") : null;
    S.focusNext = S.focusNext || active;
    root.lang = get("lang", "nb");
    root.replaceChildren();
    S.cards = new Map();
    const dom = (S.dom = { blocks: new Map() });
    dom.status = h("div", { class: "kb-status", role: "status", "aria-live": "polite" });
    dom.historyButton = h("button", { type: "button", class: "kb-btn", "data-focus": "history",
      "aria-expanded": "false", onclick: toggleHistory }, L("history"));
    const top = h("div", { class: "kb-top" }, h("h2", { class: "kb-title", text: tpl.title || "" }), dom.status,
      dom.historyButton);
    dom.banners = h("div", { class: "kb-banners" });
    dom.conflicts = h("div", { class: "kb-conflicts" });
    dom.history = h("div", { class: "kb-history", hidden: true });
    dom.hint = h("p", { class: "kb-hint", text: L("keys_hint") });
    const grid = h("div", { class: "kb-grid" });
    grid.style.setProperty("--kb-cols", String(Number(tpl.grid?.cols) || 1));
    for (const b of blocks()) grid.append(buildBlock(b));
    grid.append(buildBlock({ id: "", title: L("other_block"), questions: [], example: "", other: true }));
    dom.live = h("p", { class: "kb-sr", "aria-live": "polite" });
    root.append(top, dom.banners, dom.conflicts, dom.history, dom.hint, grid, dom.live);
    paint();
  }

  function buildBlock(b) {
    const titleId = `${uid}-${b.id || "other"}`;
    const section = h("section", { class: "kb-block", "data-block": b.id, "aria-labelledby": titleId });
    const g = b.grid || {};
    for (const [k, v] of [["row", g.row], ["col", g.col], ["rowspan", g.rowspan], ["colspan", g.colspan]]) {
      section.style.setProperty(`--kb-${k}`, String(Number(v) || 1));
    }
    const help = h("div", { class: "kb-help", id: `${titleId}-help`, hidden: !S.help.has(b.id) },
      h("p", { class: "kb-help-title", text: L("questions") }),
      h("ul", {}, (b.questions || []).map((q) => h("li", { text: q }))),
      h("p", { class: "kb-help-title", text: L("example") }), h("p", { class: "kb-example", text: b.example || "" }));
    const helpButton = b.questions?.length ? h("button", { type: "button", class: "kb-round", "data-focus": `help:${b.id}`,
      "aria-expanded": String(S.help.has(b.id)), "aria-controls": help.id, "aria-label": L("help_for", { block: b.title }),
      title: L("help_for", { block: b.title }), onclick: () => {
        S.help.has(b.id) ? S.help.delete(b.id) : S.help.add(b.id);
        help.hidden = !S.help.has(b.id);
        helpButton.setAttribute("aria-expanded", String(S.help.has(b.id)));
      } }, "?") : null;
    const count = h("span", { class: "kb-count" });
    const fold = h("button", { type: "button", class: "kb-round kb-fold", "data-focus": `fold:${b.id}`, onclick: () => {
      S.collapsed.has(b.id) ? S.collapsed.delete(b.id) : S.collapsed.add(b.id);
      paintBlocks();
    } }, h("span", { class: "kb-chevron", "aria-hidden": "true" }));
    const list = h("div", { class: "kb-notes", role: "list", "aria-labelledby": titleId });
    const empty = h("p", { class: "kb-empty", text: L("empty") });
    const add = b.other ? null : h("button", { type: "button", class: "kb-add", "data-focus": `add:${b.id}`,
      "aria-label": L("add_note_to", { block: b.title }), onclick: () => addNote(b.id) }, "+ ", L("add_note"));
    section.append(h("div", { class: "kb-block-head" }, h("h3", { class: "kb-block-title", id: titleId, text: b.title }),
      count, helpButton, fold), help, h("div", { class: "kb-body" }, list, empty, add));
    section.addEventListener("dragover", (e) => {
      if (!S.drag || S.drag.pointer || b.other) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
      S.drag.target = { block: b.id, index: indexAt(list, e.clientY) };
      marker(list, S.drag.target.index);
    });
    section.addEventListener("drop", (e) => {
      if (!S.drag || S.drag.pointer || !S.drag.target) return;
      e.preventDefault();
      finishDrag(true);
    });
    S.dom.blocks.set(b.id, { b, section, list, count, empty, add, fold });
    return section;
  }

  function paint() {
    if (!S.dom) return;
    const active = root.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = S.focusNext || active?.getAttribute("data-focus");
    const range = active && "selectionStart" in active && !S.focusNext ? [active.selectionStart, active.selectionEnd] : null;
    S.focusNext = null;
    paintStatus();
    paintBanners();
    paintConflicts();
    paintHistory();
    paintBlocks();
    if (!focusKey) return;
    const target = root.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`);
    if (target && target !== document.activeElement) {
      target.focus({ preventScroll: false });
      if (range && "setSelectionRange" in target) try { target.setSelectionRange(...range); } catch (e) { /* not text */ }
    }
  }

  function statusKind() {
    if (ro()) return "readonly";
    if (S.offline) return "offline";
    if (S.timer || S.inflight?.type === "save" || S.queue.some((q) => q.type === "save")) return "saving";
    const status = get("status", "saved");
    return ["conflict", "error"].includes(status) ? status : "saved";
  }

  function paintStatus() {
    if (!S.dom) return;
    const kind = statusKind();
    root.dataset.status = kind;
    const message = ["conflict", "error"].includes(kind) ? get("message", "") : "";
    const shown = `${kind}|${message}|${get("lang")}`;
    S.dom.historyButton.disabled = Boolean(S.inflight && S.inflight.type !== "save" && S.inflight.type !== "refresh");
    if (S.dom.status.dataset.shown === shown) return;
    S.dom.status.dataset.shown = shown;
    S.dom.status.replaceChildren(icon(kind), h("span", { class: "kb-status-text", text: L(`status.${kind}`) }),
      ...(message ? [h("span", { class: "kb-status-message", text: message })] : []));
  }

  function when(iso) {
    if (!iso && iso !== 0) return "";
    const date = new Date(iso);
    const lang = { nb: "nb-NO", sv: "sv-SE", en: "en-GB" }[get("lang", "nb")] || "en-GB";
    const today = new Date().toDateString() === date.toDateString();
    return new Intl.DateTimeFormat(lang, today ? { hour: "2-digit", minute: "2-digit" }
      : { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(date);
  }

  function paintBanners() {
    const items = [];
    const offer = S.offers[0];
    if (offer && !ro()) {
      items.push(h("div", { class: "kb-banner kb-banner-offer", role: "alert" },
        h("p", { text: L("unsaved_offer", { time: when(offer.time) }) }),
        h("div", { class: "kb-actions" },
          h("button", { type: "button", class: "kb-btn kb-primary", "data-focus": "offer-restore", onclick: () => answerOffer(true) }, L("offer_restore")),
          h("button", { type: "button", class: "kb-btn", "data-focus": "offer-discard", onclick: () => answerOffer(false) }, L("offer_discard")))));
    }
    if (ro()) items.push(h("div", { class: "kb-banner" }, icon("readonly"), h("p", { text: L("readonly_banner", { owner: get("owner", "") }) })));
    const snap = get("snapshot", {});
    if (S.viewing && snap.number) {
      const ask = S.restoreAsk;
      items.push(h("div", { class: "kb-banner kb-banner-view" },
        h("p", { text: ask ? L("restore_confirm", { n: snap.number }) : L("viewing", { n: snap.number, time: when(snap.saved_at), author: snap.author || "" }) }),
        h("div", { class: "kb-actions" }, ask ? [
          h("button", { type: "button", class: "kb-btn kb-primary", "data-focus": "restore-yes", onclick: () => {
            S.restoreAsk = false; S.viewing = false; S.focusNext = "history"; enqueue({ type: "restore", number: snap.number }); paint();
          } }, L("restore_yes")),
          h("button", { type: "button", class: "kb-btn", "data-focus": "restore-no", onclick: () => { S.restoreAsk = false; S.focusNext = "restore"; paint(); } }, L("cancel")),
        ] : [
          h("button", { type: "button", class: "kb-btn", "data-focus": "back", onclick: () => { S.viewing = false; S.focusNext = "history"; paint(); } }, L("back")),
          ro() ? null : h("button", { type: "button", class: "kb-btn kb-primary", "data-focus": "restore",
            disabled: get("conflicts", []).length > 0, title: get("conflicts", []).length ? L("error.resolve_first") : null,
            onclick: () => { S.restoreAsk = true; S.focusNext = "restore-yes"; paint(); } }, L("restore")),
        ])));
    }
    S.dom.banners.replaceChildren(...items);
  }

  // Both texts side by side above the canvas on a wide screen; on a phone, right below the note.
  function paintConflicts() {
    const conflicts = S.viewing ? [] : get("conflicts", []);
    S.wide = root.clientWidth > 700;
    S.conflictNodes = new Map(conflicts.map((c) => {
      const mine = S.local.get(c.id) || null;
      const side = (title, note, cls) => h("div", { class: `kb-side ${cls}` }, h("h4", { text: title }),
        h("p", { class: "kb-side-text", text: note ? note.text : L("deleted") }));
      return [c.id, h("section", { class: "kb-conflict", "data-id": c.id, "aria-label": L("conflict_title", { who: c.saved_by || L("someone") }) },
        h("h3", { text: L("conflict_title", { who: c.saved_by || L("someone") }) }),
        h("p", { class: "kb-muted", text: `${blockTitle(c.block)} · ${L("conflict_help")}` }),
        h("div", { class: "kb-sides" }, side(L("mine"), mine, "kb-mine"), side(L("theirs"), c.theirs, "kb-theirs")),
        h("div", { class: "kb-actions" },
          h("button", { type: "button", class: "kb-btn kb-primary", "data-focus": `keep:${c.id}`, disabled: Boolean(S.inflight && S.inflight.type === "resolve"),
            onclick: () => resolve(c, "mine") }, L("keep_mine")),
          h("button", { type: "button", class: "kb-btn", "data-focus": `take:${c.id}`, disabled: Boolean(S.inflight && S.inflight.type === "resolve"),
            onclick: () => resolve(c, "theirs") }, L("take_theirs"))))];
    }));
    S.dom.conflicts.replaceChildren(...(S.wide ? S.conflictNodes.values() : []));
  }

  function toggleHistory() {
    S.historyOpen = !S.historyOpen;
    if (S.historyOpen) enqueue({ type: "history" });
    paint();
  }

  function paintHistory() {
    const box = S.dom.history;
    S.dom.historyButton.setAttribute("aria-expanded", String(S.historyOpen));
    box.hidden = !S.historyOpen;
    if (!S.historyOpen) return box.replaceChildren();
    const rows = get("history", []);
    box.replaceChildren(h("div", { class: "kb-history-head" }, h("h3", { text: L("history_title") }),
      h("button", { type: "button", class: "kb-btn", "data-focus": "history-close", onclick: toggleHistory }, L("history_close"))),
    rows.length ? h("ol", { class: "kb-history-list" }, rows.map((r) => h("li", {},
      h("span", { class: "kb-history-what" }, h("strong", { text: L("version", { n: r.number }) }),
        ` · ${when(r.saved_at)} · ${r.author || ""}`, r.restored_from ? ` (${L("restored_from", { n: r.restored_from })})` : ""),
      h("button", { type: "button", class: "kb-btn", "data-focus": `view:${r.number}`, "aria-label": L("view_version", { n: r.number }),
        disabled: Boolean(S.inflight && S.inflight.type === "view"),
        onclick: () => { S.restoreAsk = false; S.focusNext = "back"; enqueue({ type: "view", number: r.number }); } }, L("view")))))
      : h("p", { class: "kb-muted", text: L("history_empty") }));
  }

  function paintBlocks() {
    const snap = get("snapshot", {});
    const viewing = S.viewing && snap.number;
    const notes = viewing ? new Map((snap.notes || []).map((n) => [n.id, n])) : S.local;
    const known = new Set(blocks().map((b) => b.id));
    const conflicted = new Set(get("conflicts", []).map((c) => c.id));
    root.classList.toggle("kb-viewing", Boolean(viewing));
    root.classList.toggle("kb-readonly", ro() || Boolean(viewing));
    S.dom.hint.hidden = ro() || Boolean(viewing);
    removeMarker();
    for (const [id, part] of S.dom.blocks) {
      const list = id ? inBlock(id, notes) : [...notes.values()].filter((n) => !known.has(n.block));
      const collapsed = S.collapsed.has(id) && !list.some((n) => conflicted.has(n.id)); // a conflict stays in view
      part.section.classList.toggle("kb-collapsed", collapsed);
      part.fold.setAttribute("aria-expanded", String(!collapsed));
      part.fold.setAttribute("aria-label", L(collapsed ? "expand" : "collapse", { block: part.b.title }));
      part.count.textContent = L("count", { n: list.length });
      part.empty.hidden = list.length > 0;
      if (part.add) part.add.hidden = ro() || Boolean(viewing);
      if (!id) part.section.hidden = list.length === 0;
      const want = list.flatMap((n) => [card(n, { viewing, conflict: conflicted.has(n.id) }),
        ...(!S.wide && S.conflictNodes.has(n.id) ? [S.conflictNodes.get(n.id)] : [])]);
      want.forEach((node, i) => { if (part.list.children[i] !== node) part.list.insertBefore(node, part.list.children[i] || null); });
      while (part.list.children.length > want.length) part.list.lastChild.remove();
    }
  }

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
        if (e.key === "Escape") { e.preventDefault(); S.confirming = null; S.focusNext = `card:${n.id}`; paint(); }
      } }, h("p", { text: L("delete_confirm") }), h("div", { class: "kb-actions" },
        h("button", { type: "button", class: "kb-btn kb-danger", "data-focus": `del-yes:${n.id}`, onclick: () => remove(n.id) }, L("delete")),
        h("button", { type: "button", class: "kb-btn", "data-focus": `del-no:${n.id}`, onclick: () => {
          S.confirming = null; S.focusNext = `card:${n.id}`; paint();
        } }, L("cancel")))));
    } else if (!still) {
      node.append(h("div", { class: "kb-actions kb-card-actions" },
        h("button", { type: "button", class: "kb-btn", "data-focus": `edit:${n.id}`, onclick: () => openEditor(n.id) }, L("edit")),
        h("button", { type: "button", class: "kb-btn", "data-focus": `del:${n.id}`, onclick: () => askDelete(n.id) }, L("delete"))));
    }
    node.append(error);
    if (!still) {
      node.addEventListener("keydown", (e) => cardKeys(e, n.id));
      node.addEventListener("dragstart", (e) => {
        if (S.drag?.pointer) return e.preventDefault();
        e.dataTransfer.setData("application/x-klynge-note", n.id);
        e.dataTransfer.effectAllowed = "move";
        S.drag = { id: n.id, node, target: null };
        node.classList.add("kb-dragging");
      });
      node.addEventListener("dragend", () => finishDrag(false));
      handle.addEventListener("pointerdown", (e) => startPointerDrag(e, n.id, node, handle));
    }
    return { node, error };
  }

  function openEditor(id) {
    S.editing = id;
    S.confirming = null;
    S.focusNext = `text:${id}`;
    paint();
  }

  function askDelete(id) {
    S.confirming = id;
    S.editing = null;
    S.focusNext = `del-yes:${id}`;
    paint();
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

  function paintCount(entry, text) {
    const n = (text || "").length;
    entry.count.textContent = L("chars", { n, max: NOTE_MAX });
    entry.count.classList.toggle("kb-over", n > NOTE_MAX);
    entry.tooLong.hidden = n <= NOTE_MAX;
  }

  function editor(n) {
    const id = n.id;
    const base = `${uid}-${id}`;
    const text = h("textarea", { id: `${base}-text`, class: "kb-textarea", rows: "4", "data-focus": `text:${id}`,
      "aria-describedby": `${base}-count ${base}-long ${base}-error`, value: n.text });
    const count = h("p", { class: "kb-chars", id: `${base}-count` });
    const tooLong = h("p", { class: "kb-error", id: `${base}-long`, text: L("too_long", { max: NOTE_MAX }), hidden: true });
    const error = h("p", { class: "kb-error kb-note-error", id: `${base}-error`, role: "alert", hidden: true });
    const entry = { text, count, tooLong, error };
    text.addEventListener("input", () => {
      const note = S.local.get(id);
      if (!note) return;
      S.local.set(id, { ...note, text: text.value });
      paintCount(entry, text.value);
      touched(true);
    });
    text.addEventListener("keydown", (e) => {
      if (e.key === "Escape" || (e.key === "Enter" && (e.ctrlKey || e.metaKey))) { e.preventDefault(); closeEditor(id); }
    });
    const vis = h("fieldset", { class: "kb-field" }, h("legend", { text: L("visibility") }), h("div", { class: "kb-choices" },
      VISIBILITIES.map((v) => h("button", { type: "button", class: `kb-choice kb-vis-${v}`, "aria-pressed": String(n.visibility === v),
        "data-focus": `vis:${v}:${id}`, onclick: () => { S.focusNext = `vis:${v}:${id}`; change(id, { visibility: v }); } },
      icon(v), h("span", { class: "kb-choice-label", text: L(`vis.${v}`) }),
      h("span", { class: "kb-choice-hint", text: L(`vis_hint.${v}`) })))));
    const sdgInput = h("input", { type: "text", class: "kb-input", id: `${base}-sdg`, inputmode: "decimal", autocomplete: "off",
      placeholder: L("sdg_placeholder"), "data-focus": `sdg-input:${id}`, "aria-describedby": `${base}-sdg-error` });
    sdgInput.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); addTargets(id, sdgInput); } });
    const fieldError = h("p", { class: "kb-error kb-field-error", id: `${base}-sdg-error`, role: "alert", text: S.fieldErrors.get(id) || "", hidden: !S.fieldErrors.get(id) });
    entry.fieldError = fieldError;
    const sdg = h("fieldset", { class: "kb-field" }, h("legend", { text: L("sdg") }),
      h("div", { class: "kb-chips" }, n.sdg_targets.map((code) => h("button", { type: "button", class: "kb-chip", "data-focus": `sdg:${code}:${id}`,
        "aria-label": L("sdg_remove", { code }), onclick: () => {
          S.focusNext = `sdg-input:${id}`;
          change(id, { sdg_targets: n.sdg_targets.filter((c) => c !== code) });
        } }, code, h("span", { "aria-hidden": "true", text: " ×" })))),
      h("div", { class: "kb-row" }, h("label", { class: "kb-sr", for: sdgInput.id, text: L("sdg") }), sdgInput,
        h("button", { type: "button", class: "kb-btn", "data-focus": `sdg-add:${id}`, onclick: () => addTargets(id, sdgInput) }, L("sdg_add"))),
      fieldError);
    const months = h("fieldset", { class: "kb-field" }, h("legend", { text: L("months") }), h("div", { class: "kb-months" },
      Array.from({ length: 12 }, (_, i) => i + 1).map((m) => h("button", { type: "button", class: "kb-month", "aria-pressed": String(n.months.includes(m)),
        "data-focus": `month:${m}:${id}`, onclick: () => {
          S.focusNext = `month:${m}:${id}`;
          const set = new Set(n.months);
          set.has(m) ? set.delete(m) : set.add(m);
          change(id, { months: [...set].sort((a, b) => a - b) });
        } }, L(`month.${m}`)))));
    const place = inBlock(n.block).findIndex((x) => x.id === id);
    const select = h("select", { class: "kb-input", id: `${base}-block`, "data-focus": `block:${id}` },
      blocks().map((b) => h("option", { value: b.id, selected: b.id === n.block }, b.title)));
    select.addEventListener("change", () => move(id, select.value, inBlock(select.value).length, `block:${id}`));
    const moveRow = h("div", { class: "kb-field" }, h("label", { class: "kb-label", for: select.id, text: L("move_to") }), select,
      h("div", { class: "kb-row" }, h("button", { type: "button", class: "kb-btn", "data-focus": `up:${id}`, disabled: place <= 0,
        onclick: () => move(id, n.block, place - 1, place > 1 ? `up:${id}` : `down:${id}`) }, L("move_up")),
      h("button", { type: "button", class: "kb-btn", "data-focus": `down:${id}`, disabled: place >= inBlock(n.block).length - 1,
        onclick: () => move(id, n.block, place + 1, place < inBlock(n.block).length - 2 ? `down:${id}` : `up:${id}`) }, L("move_down"))));
    const node = h("div", { class: `kb-card kb-editor kb-card-${n.visibility}`, role: "listitem", "data-id": id },
      h("label", { class: "kb-label", for: text.id, text: L("text") }), text, count, tooLong, error, vis, sdg, months, moveRow,
      h("div", { class: "kb-actions" },
        h("button", { type: "button", class: "kb-btn kb-primary", "data-focus": `done:${id}`, onclick: () => closeEditor(id) }, L("done")),
        h("button", { type: "button", class: "kb-btn", "data-focus": `del:${id}`, onclick: () => askDelete(id) }, L("delete"))));
    entry.node = node;
    return entry;
  }

  // ---- dragging: HTML5 drag and drop with a mouse, pointer events (touch, pen) on the handle ----
  function indexAt(list, y) {
    const cards = [...list.querySelectorAll(":scope > .kb-card")].filter((c) => c.dataset.id !== S.drag?.id);
    return cards.filter((c) => { const r = c.getBoundingClientRect(); return r.top + r.height / 2 < y; }).length;
  }

  function removeMarker() {
    root.querySelectorAll(".kb-marker").forEach((m) => m.remove());
  }

  function marker(list, index) {
    removeMarker();
    const cards = [...list.querySelectorAll(":scope > .kb-card")].filter((c) => c.dataset.id !== S.drag?.id);
    list.insertBefore(h("div", { class: "kb-marker", "aria-hidden": "true" }), cards[index] || null);
  }

  function finishDrag(drop) {
    const drag = S.drag;
    S.drag = null;
    removeMarker();
    if (!drag) return;
    drag.node.classList.remove("kb-dragging");
    drag.ghost?.remove();
    if (drop && drag.target) move(drag.id, drag.target.block, drag.target.index);
  }

  function startPointerDrag(e, id, node, handle) {
    if (e.button !== 0) return;
    e.preventDefault();
    const rect = node.getBoundingClientRect();
    const ghost = node.cloneNode(true);
    ghost.querySelectorAll("[data-focus], [id]").forEach((x) => { x.removeAttribute("data-focus"); x.removeAttribute("id"); });
    ghost.removeAttribute("data-focus");
    ghost.classList.add("kb-ghost");
    ghost.style.width = `${rect.width}px`;
    const layer = h("div", { class: "klynge-board kb-ghost-layer", "aria-hidden": "true" }, ghost);
    document.body.append(layer);
    S.drag = { id, node, ghost: layer, pointer: true, target: null, dx: e.clientX - rect.left, dy: e.clientY - rect.top };
    node.classList.add("kb-dragging");
    handle.setPointerCapture?.(e.pointerId);
    const scroller = scrollParent(root);
    const moveTo = (ev) => {
      const drag = S.drag;
      if (!drag) return;
      ghost.style.transform = `translate(${ev.clientX - drag.dx}px, ${ev.clientY - drag.dy}px)`;
      const section = document.elementFromPoint(ev.clientX, ev.clientY)?.closest?.(".kb-block");
      const part = section && root.contains(section) ? S.dom.blocks.get(section.dataset.block) : null;
      if (part && part.b.id) {
        drag.target = { block: part.b.id, index: indexAt(part.list, ev.clientY) };
        marker(part.list, drag.target.index);
      }
      if (ev.clientY < 48) scroller.scrollBy(0, -16);
      else if (ev.clientY > window.innerHeight - 48) scroller.scrollBy(0, 16);
    };
    const end = (ev) => {
      handle.removeEventListener("pointermove", moveTo);
      handle.removeEventListener("pointerup", end);
      handle.removeEventListener("pointercancel", end);
      finishDrag(ev.type === "pointerup");
    };
    moveTo(e);
    handle.addEventListener("pointermove", moveTo);
    handle.addEventListener("pointerup", end);
    handle.addEventListener("pointercancel", end);
  }

  // ---- life cycle ---------------------------------------------------------------------------
  const refresh = () => {
    if (document.visibilityState !== "visible") return;
    const flight = S.inflight;
    if (flight && Date.now() - flight.at > RESEND_AFTER) { // lost: ask again
      S.inflight = null;
      if (flight.type === "save" || dirtyIds().length) S.queue.unshift({ type: "save" });
    }
    if (!S.queue.length && !S.inflight) enqueue({ type: !S.timer && dirtyIds().length && !Object.keys(get("errors", {})).length ? "save" : "refresh" });
    pump();
  };
  const offline = () => { S.offline = true; paintStatus(); };
  const online = () => { S.offline = false; refresh(); paintStatus(); };
  const rebuild = () => { // a language switch changes three traits at once: build once
    if (!S.building) { S.building = true; queueMicrotask(build); }
  };
  const onNotes = () => { if (!S.inflight) { adopt(null); paint(); } };
  const handlers = [
    ["change:notes", onNotes], ["change:revision", onNotes], ["change:answered", onAnswered],
    ["change:template", rebuild], ["change:labels", rebuild], ["change:readonly", rebuild], ["change:lang", rebuild],
    ["change:conflicts", () => { persist(); paint(); }], ["change:errors", () => paint()],
    ["change:status", () => paint()], ["change:message", () => paintStatus()], ["change:history", () => paintHistory()],
    ["change:snapshot", () => paint()], ["change:owner", () => paintBanners()],
  ];
  for (const [name, fn] of handlers) model.on(name, fn);
  S.local = serverNotes();
  S.shadow = new Map(S.local);
  S.base = get("revision", 0);
  if (get("storage_key", "") && !ro()) S.offers = stashed(get("storage_key", ""), tab, S.local);
  build();
  const tick = setInterval(refresh, REFRESH_EVERY);
  const resized = new ResizeObserver(() => { if ((root.clientWidth > 700) !== S.wide) paint(); });
  resized.observe(root);
  window.addEventListener("focus", refresh);
  window.addEventListener("online", online);
  window.addEventListener("offline", offline);
  document.addEventListener("visibilitychange", refresh);
  return () => {
    clearInterval(tick);
    resized.disconnect();
    clearTimeout(S.timer);
    persist();
    for (const [name, fn] of handlers) model.off(name, fn);
    window.removeEventListener("focus", refresh);
    window.removeEventListener("online", online);
    window.removeEventListener("offline", offline);
    document.removeEventListener("visibilitychange", refresh);
  };
}

export default { render };
