// Drawing the canvas board: a skeleton per template and language (blocks on the grid, status, banners,
// conflicts, history), then `paint()` brings it up to date and keeps the focus where it was.

import { h, icon } from "./board_util.js";

// The painting of one board; `board` is what render() shares: the model, the state `S`, the helpers.
export function painting(board) {
  const { root, S, uid, get, L, ro, blocks, blockTitle, inBlock } = board;

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
      "aria-expanded": "false", onclick: board.toggleHistory }, L("history"));
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
      "aria-label": L("add_note_to", { block: b.title }), onclick: () => board.addNote(b.id) }, "+ ", L("add_note"));
    section.append(h("div", { class: "kb-block-head" }, h("h3", { class: "kb-block-title", id: titleId, text: b.title }),
      count, helpButton, fold), help, h("div", { class: "kb-body" }, list, empty, add));
    section.addEventListener("dragover", (e) => {
      if (!S.drag || S.drag.pointer || b.other) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
      S.drag.target = { block: b.id, index: board.indexAt(list, e.clientY) };
      board.marker(list, S.drag.target.index);
    });
    section.addEventListener("drop", (e) => {
      if (!S.drag || S.drag.pointer || !S.drag.target) return;
      e.preventDefault();
      board.finishDrag(true);
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
          h("button", { type: "button", class: "kb-btn kb-primary", "data-focus": "offer-restore", onclick: () => board.answerOffer(true) }, L("offer_restore")),
          h("button", { type: "button", class: "kb-btn", "data-focus": "offer-discard", onclick: () => board.answerOffer(false) }, L("offer_discard")))));
    }
    if (ro()) items.push(h("div", { class: "kb-banner" }, icon("readonly"), h("p", { text: L("readonly_banner", { owner: get("owner", "") }) })));
    const snap = get("snapshot", {});
    if (S.viewing && snap.number) {
      const ask = S.restoreAsk;
      items.push(h("div", { class: "kb-banner kb-banner-view" },
        h("p", { text: ask ? L("restore_confirm", { n: snap.number }) : L("viewing", { n: snap.number, time: when(snap.saved_at), author: snap.author || "" }) }),
        h("div", { class: "kb-actions" }, ask ? [
          h("button", { type: "button", class: "kb-btn kb-primary", "data-focus": "restore-yes", onclick: () => {
            S.restoreAsk = false; S.viewing = false; S.focusNext = "history"; board.enqueue({ type: "restore", number: snap.number }); paint();
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
            onclick: () => board.resolve(c, "mine") }, L("keep_mine")),
          h("button", { type: "button", class: "kb-btn", "data-focus": `take:${c.id}`, disabled: Boolean(S.inflight && S.inflight.type === "resolve"),
            onclick: () => board.resolve(c, "theirs") }, L("take_theirs"))))];
    }));
    S.dom.conflicts.replaceChildren(...(S.wide ? S.conflictNodes.values() : []));
  }

  function paintHistory() {
    const box = S.dom.history;
    S.dom.historyButton.setAttribute("aria-expanded", String(S.historyOpen));
    box.hidden = !S.historyOpen;
    if (!S.historyOpen) return box.replaceChildren();
    const rows = get("history", []);
    box.replaceChildren(h("div", { class: "kb-history-head" }, h("h3", { text: L("history_title") }),
      h("button", { type: "button", class: "kb-btn", "data-focus": "history-close", onclick: board.toggleHistory }, L("history_close"))),
    rows.length ? h("ol", { class: "kb-history-list" }, rows.map((r) => h("li", {},
      h("span", { class: "kb-history-what" }, h("strong", { text: L("version", { n: r.number }) }),
        ` · ${when(r.saved_at)} · ${r.author || ""}`, r.restored_from ? ` (${L("restored_from", { n: r.restored_from })})` : ""),
      h("button", { type: "button", class: "kb-btn", "data-focus": `view:${r.number}`, "aria-label": L("view_version", { n: r.number }),
        disabled: Boolean(S.inflight && S.inflight.type === "view"),
        onclick: () => { S.restoreAsk = false; S.focusNext = "back"; board.enqueue({ type: "view", number: r.number }); } }, L("view")))))
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
    board.removeMarker();
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
      const want = list.flatMap((n) => [board.card(n, { viewing, conflict: conflicted.has(n.id) }),
        ...(!S.wide && S.conflictNodes.has(n.id) ? [S.conflictNodes.get(n.id)] : [])]);
      want.forEach((node, i) => { if (part.list.children[i] !== node) part.list.insertBefore(node, part.list.children[i] || null); });
      while (part.list.children.length > want.length) part.list.lastChild.remove();
    }
  }

  return { build, buildBlock, paint, statusKind, paintStatus, when, paintBanners, paintConflicts, paintHistory, paintBlocks };
}
