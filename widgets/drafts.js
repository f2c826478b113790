// Klynge's drafts: the unsaved input of a form, kept in the browser's local storage until it is
// saved, so a reload, a lost connection or a closed tab loses nothing; and a warning before the
// person leaves the page with input the server does not have.
//
// The kernel says what is unsaved (`unsaved`, empty when the form holds what is stored); this side
// writes it under the form's `key` and, when the page is opened again, hands an earlier entry back
// (`found`) for the kernel to put into the form. It runs once per model (`initialize`), so a form
// that is not on screen (another step is open) is still kept and still warns.

const unsavedIn = (model) => Object.keys(model.get("unsaved") || {}).length > 0;

function write(key, value) {
  try {
    if (value) localStorage.setItem(key, JSON.stringify(value));
    else localStorage.removeItem(key);
  } catch (e) { /* storage full or blocked: the form still holds the input */ }
}

function read(key) {
  try {
    const entry = JSON.parse(localStorage.getItem(key) || "null");
    return entry && typeof entry === "object" && entry.v === 1 && entry.unsaved && typeof entry.unsaved === "object"
      ? entry : null;
  } catch (e) {
    return null;
  }
}

export default {
  initialize({ model }) {
    const key = model.get("key");
    if (!key) return undefined;
    const entry = read(key);
    if (entry) {
      model.set("found", entry.unsaved);
      model.save_changes();
    }
    model.on("change:unsaved", () => {
      write(key, unsavedIn(model) ? { v: 1, time: Date.now(), unsaved: model.get("unsaved") } : null);
    });
    const warn = (event) => {
      if (!unsavedIn(model)) return undefined;
      event.preventDefault();
      event.returnValue = ""; // the browser shows its own words: "leave the site? changes may be lost"
      return "";
    };
    model.on("msg:custom", (msg) => { if (msg && msg.type === "forget") write(key, null); });
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  },
  render({ el }) {
    el.classList.add("klynge-drafts");
  },
};
