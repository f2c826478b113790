// Klynge's place picker: the reference municipalities as dots on a plain drawing of the region,
// and a pin the person places with a click or the arrow keys. No tiles, no map library.
// Text is set with textContent only.
const NS = "http://www.w3.org/2000/svg";
const W = 360;

function svg(tag, attrs) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  return node;
}

function projection(bounds) {
  const mid = ((bounds.south + bounds.north) / 2) * Math.PI / 180;
  const k = W / ((bounds.east - bounds.west) * Math.cos(mid));
  const h = (bounds.north - bounds.south) * k;
  return {
    h,
    x: (lon) => (lon - bounds.west) * Math.cos(mid) * k,
    y: (lat) => (bounds.north - lat) * k,
    lon: (x) => bounds.west + x / (Math.cos(mid) * k),
    lat: (y) => bounds.north - y / k,
  };
}

function clamp(v, lo, hi) { return Math.min(hi, Math.max(lo, v)); }
function round(v) { return Math.round(v * 10000) / 10000; }

export default {
  render({ model, el }) {
    el.classList.add("klynge-map");
    const figure = document.createElement("div");
    figure.className = "klynge-map-frame";
    const status = document.createElement("p");
    status.className = "klynge-map-status";
    status.setAttribute("aria-live", "polite");
    el.append(figure, status);

    function nearest(lat, lon) {
      let best = null, dist = Infinity;
      for (const p of model.get("places") || []) {
        const d = (p.lat - lat) ** 2 + ((p.lon - lon) * 0.5) ** 2;
        if (d < dist) { dist = d; best = p; }
      }
      return best;
    }

    function draw() {
      const bounds = model.get("bounds");
      const labels = model.get("labels") || {};
      if (!bounds || bounds.north === undefined) return;
      const proj = projection(bounds);
      const root = svg("svg", { viewBox: `0 0 ${W} ${proj.h.toFixed(1)}`, tabindex: 0, role: "application",
                                class: "klynge-map-svg", focusable: "true" });
      root.setAttribute("aria-label", labels.help || "");
      const title = svg("title");
      title.textContent = labels.help || "";
      root.append(title, svg("rect", { x: 0, y: 0, width: W, height: proj.h, class: "klynge-map-land", rx: 10 }));
      const border = model.get("border");
      if (border && border.length > 1) {
        const points = border.map(([lat, lon]) => `${proj.x(lon).toFixed(1)},${proj.y(lat).toFixed(1)}`).join(" ");
        root.append(svg("polyline", { points, class: "klynge-map-border" }));
      }
      const selected = model.get("selected");
      for (const p of model.get("places") || []) {
        const dot = svg("circle", { cx: proj.x(p.lon).toFixed(1), cy: proj.y(p.lat).toFixed(1),
                                    r: p.code === selected ? 5 : 3,
                                    class: "klynge-map-dot" + (p.code === selected ? " klynge-map-chosen" : "") });
        const name = svg("title");
        name.textContent = p.name;
        dot.append(name);
        root.append(dot);
        if (p.code === selected) {
          const label = svg("text", { x: (proj.x(p.lon) + 8).toFixed(1), y: (proj.y(p.lat) + 4).toFixed(1),
                                      class: "klynge-map-label" });
          label.textContent = p.name;
          root.append(label);
        }
      }
      const lat = model.get("lat"), lon = model.get("lon");
      if (lat !== null && lon !== null && lat !== undefined && lon !== undefined) {
        const x = proj.x(lon), y = proj.y(lat);
        const pin = svg("g", { class: "klynge-map-pin", transform: `translate(${x.toFixed(1)},${y.toFixed(1)})` });
        pin.append(svg("path", { d: "M0,0 C-2,-6 -8,-9 -8,-15 A8,8 0 1 1 8,-15 C8,-9 2,-6 0,0 Z" }),
                   svg("circle", { cx: 0, cy: -15, r: 3, class: "klynge-map-pin-hole" }));
        root.append(pin);
        const near = nearest(lat, lon);
        status.textContent = (labels.position || "{lat}, {lon}")
          .replace("{lat}", lat.toFixed(4)).replace("{lon}", lon.toFixed(4))
          .replace("{place}", near ? near.name : "");
      } else {
        status.textContent = labels.none || "";
      }

      function place(latValue, lonValue) {
        model.set("lat", round(clamp(latValue, bounds.south, bounds.north)));
        model.set("lon", round(clamp(lonValue, bounds.west, bounds.east)));
        model.save_changes();
      }
      root.addEventListener("click", (event) => {
        const ctm = root.getScreenCTM();
        if (!ctm) return;
        const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse());
        place(proj.lat(point.y), proj.lon(point.x));
        root.focus();
      });
      root.addEventListener("keydown", (event) => {
        const step = event.shiftKey ? 0.1 : 0.02;
        const moves = { ArrowUp: [step, 0], ArrowDown: [-step, 0], ArrowLeft: [0, -2 * step], ArrowRight: [0, 2 * step] };
        const move = moves[event.key];
        if (!move) return;
        event.preventDefault();
        const la = model.get("lat"), lo = model.get("lon");
        const start = (la === null || la === undefined) ? [(bounds.south + bounds.north) / 2, (bounds.west + bounds.east) / 2] : [la, lo];
        place(start[0] + move[0], start[1] + move[1]);
      });
      const hadFocus = figure.contains(document.activeElement);
      figure.replaceChildren(root);
      if (hadFocus) root.focus();
    }

    for (const name of ["lat", "lon", "places", "selected", "labels", "bounds", "border"]) {
      model.on(`change:${name}`, draw);
    }
    draw();
  },
};
