// Klynge's canvas board: the blocks of a canvas template with sticky notes (an anywidget ES module).
//
// Safety: every text a person typed, and every text from a template, reaches the page through
// textContent, value or setAttribute, never as HTML. The Python side (klynge.widgets.board) holds
// the saved state, and sends the rules a note must meet (the `rules` trait); this side keeps the
// working copy, autosaves it, keeps unsaved text in localStorage and merges what the server sends
// with what is being typed.
//
// render() makes one `board`: the model, the state `S` and small helpers, shared by the parts it is
// built from, each in a module of its own:
//   board_sync.js     talking to Python, autosave, the local copy of unsaved text
//   board_actions.js  what a person does to notes: add, edit, move, delete, tag, settle a conflict
//   board_paint.js    drawing: the skeleton, status, banners, conflicts, history, blocks
//   board_cards.js    a note's card and its editor
//   board_drag.js     dragging notes with a mouse, a finger or a pen
//   board_util.js     building elements, comparing notes, localStorage
// A part calls another's functions through `board` (board.paint(), board.enqueue(...)).

import { actions } from "./board_actions.js";
import { cards } from "./board_cards.js";
import { dragging } from "./board_drag.js";
import { painting } from "./board_paint.js";
import { sync } from "./board_sync.js";
import { fill, h, randomHex, same, stashed, tabId } from "./board_util.js";

const REFRESH_EVERY = 10000; // ms between looks for others' notes while the page is visible
const RESEND_AFTER = 30000; // ms without an answer before a request is sent again

function render({ model, el }) {
  const root = h("div", { class: "klynge-board" });
  el.append(root);
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
  const blocks = () => get("template", {}).blocks || [];
  const L = (key, values) => fill(get("labels", {})[key] ?? key, values);
  const board = {
    model, root, S, uid: `kb${randomHex(4)}`, tab: tabId(), get, L, blocks,
    ro: () => Boolean(get("readonly", false)),
    // The rules of a note, as the server checks them (klynge.model.canvas), never repeated here.
    noteId: () => new RegExp(get("rules", {}).note_id || "^$"),
    textMax: () => Number(get("rules", {}).text_max) || 0,
    blockTitle: (id) => (blocks().find((b) => b.id === id) || {}).title || L("other_block"),
    serverNotes: () => new Map(get("notes", []).map((n) => [n.id, n])),
    inBlock: (id, notes = S.local) => [...notes.values()].filter((n) => n.block === id)
      .sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1)),
    dirtyIds: () => [...new Set([...S.local.keys(), ...S.shadow.keys()])]
      .filter((id) => !same(S.local.get(id), S.shadow.get(id))),
  };
  Object.assign(board, sync(board), actions(board), painting(board), cards(board), dragging(board));
  const { adopt, build, dirtyIds, enqueue, onAnswered, paint, paintBanners, paintHistory, paintStatus, persist, pump, ro } = board;

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
  S.local = board.serverNotes();
  S.shadow = new Map(S.local);
  S.base = get("revision", 0);
  if (get("storage_key", "") && !ro()) S.offers = stashed(get("storage_key", ""), board.tab, S.local, board.noteId());
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
