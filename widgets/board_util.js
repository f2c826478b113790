// Helpers of Klynge's canvas board (board.js): building elements, comparing notes, the local copy.
//
// Everything here puts text into the page as text (textContent, value, setAttribute), never as HTML.

export const TARGET = /^(?:[1-9]|1[0-7])\.(?:[1-9]|1[0-9]|[a-h])$/;
export const VISIBILITIES = ["private", "cluster", "public"];
export const ARROWS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"];
export const ICONS = {
  private: "M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5z",
  cluster: "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2 20c0-3.5 3-6 7-6s7 2.5 7 6M16 4.5a3.5 3.5 0 0 1 0 6.5M18 14c2.5.6 4 2.8 4 6",
  public: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM3 12h18M12 3c2.5 2.7 3.7 5.7 3.7 9s-1.2 6.3-3.7 9c-2.5-2.7-3.7-5.7-3.7-9S9.5 5.7 12 3z",
  saved: "M5 12.5l4.5 4.5L19 7.5",
  saving: "M12 3a9 9 0 1 0 9 9",
  offline: "M3 3l18 18M8.5 8.6A5 5 0 0 0 7 18h10M12 6a5 5 0 0 1 5 5h.5a3.5 3.5 0 0 1 2.6 5.9",
  conflict: "M12 3L2 21h20zM12 10v5M12 18v.5",
  error: "M12 3L2 21h20zM12 10v5M12 18v.5",
  readonly: "M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
};

// ---- small helpers ------------------------------------------------------------------------
export function h(tag, props = {}, ...kids) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key === "value") node.value = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined && kid !== false) node.append(kid);
  return node; // strings become text nodes through append(): never parsed as HTML
}

export function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", `kb-icon kb-icon-${name}`);
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name] || "");
  svg.append(path);
  return svg;
}

export function fill(text, values = {}) {
  return String(text).replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

// A note as the server would store it: text stripped, months sorted; what "unchanged" compares.
export function sig(n) {
  if (!n) return "";
  const months = [...new Set(n.months || [])].sort((a, b) => a - b);
  return JSON.stringify([n.block, String(n.text ?? "").trim(), n.order | 0, n.visibility || "cluster",
    [...(n.sdg_targets || [])], months]);
}
export const same = (a, b) => sig(a) === sig(b);

export function put(map, id, note) {
  if (note) map.set(id, note);
  else map.delete(id);
}

export function randomHex(bytes) {
  const a = new Uint8Array(bytes);
  crypto.getRandomValues(a); // works without a secure context, unlike randomUUID()
  return [...a].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function tabId() {
  try {
    let id = sessionStorage.getItem("klynge.tab");
    if (!id) sessionStorage.setItem("klynge.tab", (id = randomHex(6)));
    return id;
  } catch (e) {
    return randomHex(6);
  }
}

export function scrollParent(node) { // Voila scrolls an inner element, not the window
  for (let p = node.parentElement; p; p = p.parentElement) {
    const overflow = getComputedStyle(p).overflowY;
    if ((overflow === "auto" || overflow === "scroll") && p.scrollHeight > p.clientHeight) return p;
  }
  return document.scrollingElement || document.documentElement;
}

// A note from localStorage or a conflict, with only the fields a note has; null unless its id
// passes `noteId`, the rule the server sends (a RegExp).
export function cleanNote(n, noteId) {
  if (!n || typeof n !== "object" || typeof n.id !== "string" || !noteId.test(n.id)) return null;
  return {
    id: n.id, block: String(n.block || ""), text: String(n.text ?? ""), order: Number(n.order) | 0,
    visibility: VISIBILITIES.includes(n.visibility) ? n.visibility : "cluster",
    sdg_targets: Array.isArray(n.sdg_targets) ? n.sdg_targets.map(String) : [],
    months: Array.isArray(n.months) ? n.months.map(Number).filter((m) => m >= 1 && m <= 12) : [],
  };
}

// ---- the local copy of unsaved text: one entry per tab, named `${storage key}:${tab}` --------
export function stash(name, entry) {
  try {
    if (entry) localStorage.setItem(name, JSON.stringify(entry));
    else localStorage.removeItem(name);
  } catch (e) { /* storage full or blocked: the server still gets the text */ }
}

// Entries of this canvas that hold text the server does not have, newest first. The entry of this
// tab is renamed, so what the page writes from now on does not replace it before it is answered.
export function stashed(key, tab, server, noteId) {
  const found = [];
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const name = localStorage.key(i);
      if (!name || !name.startsWith(`${key}:`)) continue;
      let entry = null;
      try { entry = JSON.parse(localStorage.getItem(name)); } catch (e) { /* broken: dropped below */ }
      const notes = entry && Array.isArray(entry.notes) ? entry.notes.map((n) => cleanNote(n, noteId)).filter(Boolean) : null;
      if (!notes || (notes.length === server.size && notes.every((n) => same(n, server.get(n.id))))) {
        localStorage.removeItem(name); // nothing unsaved in it
        continue;
      }
      let kept = name;
      if (name === `${key}:${tab}`) {
        kept = `${key}:kept-${randomHex(4)}`;
        localStorage.setItem(kept, localStorage.getItem(name));
        localStorage.removeItem(name);
      }
      found.push({ name: kept, time: Number(entry.time) || 0, base: Number.isInteger(entry.base) ? entry.base : null, notes });
    }
  } catch (e) { /* storage blocked */ }
  return found.sort((a, b) => b.time - a.time);
}
