// Dragging notes on the canvas board: HTML5 drag and drop with a mouse, pointer events (touch, pen)
// on a card's handle, a marker where the note would land, and scrolling near the window's edges.

import { h, scrollParent } from "./board_util.js";

// The dragging of one board; `board` is what render() shares: the model, the state `S`, the helpers.
export function dragging(board) {
  const { root, S } = board;

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
    if (drop && drag.target) board.move(drag.id, drag.target.block, drag.target.index);
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

  return { indexAt, removeMarker, marker, finishDrag, startPointerDrag };
}
