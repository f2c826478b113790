// Klynge's address bar link: the step shown is named in the page's fragment (#profile,
// #canvases/social_layer), so a reload or the browser's back button returns to it; and the
// language a person chose is kept in the browser for their next visit.
//
// The kernel holds the truth (which step is open); this side mirrors it into the fragment with
// history.pushState, and tells the kernel when the person goes back or forward, or edits the
// fragment. Everything runs once per model (`initialize`), whatever views there are.

const LANG_KEY = "klynge.lang";
const SAFE = /^[\w-]+(\/[\w-]+)?$/; // a step, and optionally a part of it

function fromHash() {
  const raw = decodeURIComponent(location.hash.replace(/^#/, ""));
  return SAFE.test(raw) ? raw : "";
}

function remembered(languages) {
  try {
    const lang = localStorage.getItem(LANG_KEY);
    return languages.includes(lang) ? lang : "";
  } catch (e) {
    return ""; // storage blocked: the server's choice stands
  }
}

export default {
  initialize({ model }) {
    // the browser tells the kernel
    const take = () => {
      const address = fromHash();
      if (address && address !== model.get("address")) {
        model.set("address", address);
        model.save_changes();
      }
    };
    // the kernel tells the browser: a new entry in the history for each step the person opens
    const put = () => {
      const address = model.get("address");
      if (!address || address === fromHash()) return;
      if (location.hash) history.pushState(null, "", `#${address}`);
      else history.replaceState(null, "", `#${address}`); // the first address names the page itself
    };
    const lang = remembered(model.get("languages") || []);
    if (lang && lang !== model.get("lang")) {
      model.set("lang", lang);
      model.save_changes();
    }
    model.on("change:lang", () => {
      try { localStorage.setItem(LANG_KEY, model.get("lang")); } catch (e) { /* storage blocked */ }
    });
    if (fromHash()) take();
    else put();
    model.on("change:address", put);
    window.addEventListener("popstate", take);
    window.addEventListener("hashchange", take);
    return () => {
      window.removeEventListener("popstate", take);
      window.removeEventListener("hashchange", take);
    };
  },
  render({ el }) {
    el.classList.add("klynge-address");
  },
};
