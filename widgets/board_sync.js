// The canvas board's talk with Python (klynge.widgets.board): one request at a time, each answer named
// in the `answered` trait; the server's notes taken in without losing what is being typed; autosave
// after typing stops; unsaved text kept in localStorage and offered back after a reload.

import { put, same, stash } from "./board_util.js";

const SAVE_DELAY = 800; // ms after the last keystroke
const OFFLINE_AFTER = 8000; // ms without an answer before the status says offline

// The sync of one board; `board` is what render() shares: the model, the state `S`, the helpers.
export function sync(board) {
  const { model, S, tab, get, ro, serverNotes, dirtyIds } = board;

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
      if (S.inflight === flight) { S.offline = true; board.paintStatus(); }
    }, OFFLINE_AFTER);
    board.paintStatus();
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
    board.paint();
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
    if (light) board.paintStatus();
    else board.paint();
  }

  function change(id, patch, light) {
    const note = S.local.get(id);
    if (!note) return;
    S.local.set(id, { ...note, ...patch });
    touched(light);
  }

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
      board.paint();
    }
  }

  return { enqueue, pump, onAnswered, adopt, touched, change, persist, answerOffer };
}
