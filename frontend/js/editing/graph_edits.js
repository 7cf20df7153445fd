// Weights and biases edited on the 2-D network graph (views/graph_view.js builds the graph; this
// file makes its dense edges and bias squares editable once it is built).
//
// Pointer: drag an edge or a bias square up to raise its value, down to lower it (0.02 per pixel,
// 0.002 with Shift); the value is shown beside the pointer and sent as it changes (param_edits.js
// keeps only the newest waiting edit), so the boundary follows the drag. A click without a drag
// opens the value editor (value_editor.js): a number field and the lock that freezes the entry.
// Alt+click freezes or frees an entry in one click, without the editor.
// Keyboard: the edges and biases are one composite control with a single tab stop (roving
// tabindex): the arrow keys move between them, Enter or Space opens the value editor, L freezes or
// frees the focused entry.
// A viewer's page can focus and open them too, to read the value; the editor says why it cannot
// change it.
import * as S from "../state.js";
import { t } from "../i18n.js";
import { colourOf } from "../heatmap.js";
import { entryValue, isFrozen, setEntry, setFrozen } from "./param_edits.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const PER_PIXEL = 0.02;
const PER_PIXEL_FINE = 0.002;
const DRAG_THRESHOLD = 3;

/** Three decimals, as the editor shows values; keeps small values readable. */
export function formatValue(v) {
  if (v === null || v === undefined) return "…";
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(3) : v.toExponential(2);
}

/** Every editable parameter entry of the built graph, in reading order (column by column). */
function collect(handles, svg) {
  const items = [];
  handles.cols.forEach((col, ci) => {
    if (col.kind !== "dense" || col.layer === null) return;
    const prev = handles.cols[ci - 1];
    for (const edge of col.edges) {
      const hit = document.createElementNS(SVG_NS, "path");
      hit.setAttribute("d", edge.path.getAttribute("d"));
      hit.setAttribute("class", "edge-hit");
      hit.dataset.testid = "edge";
      hit.dataset.layer = String(col.layer);
      hit.dataset.index = `${edge.a},${edge.b}`;
      svg.appendChild(hit);
      const from = prev.nodes[edge.a].el.dataset.name;
      const to = col.nodes[edge.b].el.dataset.name;
      items.push({ el: hit, layer: col.layer, param: "W", index: [edge.a, edge.b], what: "weight", from, to, edge });
    }
    col.nodes.forEach((node, k) => {
      if (!node.bias) return;
      node.bias.dataset.testid = "bias";
      node.bias.dataset.layer = String(col.layer);
      node.bias.dataset.index = String(k);
      items.push({ el: node.bias, layer: col.layer, param: "b", index: [k], what: "bias", to: node.el.dataset.name, node });
    });
  });
  return items;
}

function labelOf(item, value, frozen) {
  const base =
    item.what === "weight"
      ? t("edit.weightLabel", { from: item.from, to: item.to, value: formatValue(value) })
      : t("edit.biasLabel", { to: item.to, value: formatValue(value) });
  return frozen ? `${base} · ${t("edit.frozen")}` : base;
}

/** Draw a value on its edge or bias square while the pointer drags it (the next frame redraws it). */
function preview(item, value) {
  if (item.edge) {
    item.edge.path.style.stroke = colourOf(value);
    item.edge.path.style.strokeWidth = Math.min(0.6 + Math.abs(value) * 2.2, 9).toFixed(2);
  } else {
    item.el.style.background = colourOf(value);
  }
}

/**
 * The graph was rebuilt (a resize, a new network): an open value editor returns focus to the new
 * element of its entry, or closes when the entry is gone.
 */
function relinkEditor(items) {
  const open = S.valueEditor.peek();
  if (!open || (open.returnFocus && open.returnFocus.isConnected)) return;
  const same = items.find(
    (item) => item.layer === open.layer && item.param === open.param && item.index.join() === open.index.join(),
  );
  S.valueEditor.value = same ? { ...open, returnFocus: same.el } : null;
}

/** Make the graph's edges and biases editable; returns the function that undoes it. */
export function attachParamEditing(root, handles) {
  const svg = root.querySelector("svg.graph-edges");
  if (!svg) return () => {};
  const items = collect(handles, svg);
  if (!items.length) return () => {};
  svg.removeAttribute("aria-hidden");
  svg.setAttribute("role", "group");
  svg.setAttribute("aria-label", t("edit.group"));
  relinkEditor(items);
  let current = 0;
  items.forEach((item, i) => {
    item.el.setAttribute("tabindex", i === 0 ? "0" : "-1");
    item.el.setAttribute("role", "button");
    item.el.setAttribute("aria-haspopup", "dialog");
  });

  const focusItem = (i) => {
    items[current].el.setAttribute("tabindex", "-1");
    current = (i + items.length) % items.length;
    items[current].el.setAttribute("tabindex", "0");
    items[current].el.focus();
  };

  const openEditor = (item) => {
    const panel = root.parentElement || root;
    const box = item.el.getBoundingClientRect();
    const base = panel.getBoundingClientRect();
    S.editError.value = null;
    S.valueEditor.value = {
      layer: item.layer,
      param: item.param,
      index: item.index,
      label: item.what === "weight" ? t("edit.weightName", { from: item.from, to: item.to }) : t("edit.biasName", { to: item.to }),
      left: Math.max(4, Math.min(base.width - 250, box.left + box.width / 2 - base.left - 110)),
      top: box.top + box.height / 2 - base.top + 12,
      returnFocus: item.el,
    };
  };

  /** Freeze or free an entry at once (owner only; a viewer's page opens the editor, which says why not). */
  const toggleFrozen = (item) => {
    if (S.readOnly.peek()) return openEditor(item);
    const frozen = isFrozen(S.session.peek(), item.layer, item.param, item.index);
    if (frozen === null) return openEditor(item); // many entries frozen: the editor reads the mask
    setFrozen(item.layer, item.param, item.index, !frozen);
  };

  const readout = document.createElement("div");
  readout.className = "drag-readout";
  readout.dataset.testid = "drag-readout";
  readout.hidden = true;
  root.appendChild(readout);

  const cleanups = [];
  const listen = (el, type, fn) => {
    el.addEventListener(type, fn);
    cleanups.push(() => el.removeEventListener(type, fn));
  };

  items.forEach((item, i) => {
    listen(item.el, "focus", () => {
      if (current !== i) {
        items[current].el.setAttribute("tabindex", "-1");
        current = i;
        item.el.setAttribute("tabindex", "0");
      }
    });
    listen(item.el, "keydown", (e) => {
      const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
      if (e.key in moves) focusItem(i + moves[e.key]);
      else if (e.key === "Home") focusItem(0);
      else if (e.key === "End") focusItem(items.length - 1);
      else if (e.key === "Enter" || e.key === " ") openEditor(item);
      else if (e.key === "l" || e.key === "L") toggleFrozen(item);
      else return;
      e.preventDefault();
      e.stopPropagation();
    });
    listen(item.el, "click", (e) => e.stopPropagation()); // the node under a bias square has its own click
    listen(item.el, "pointerdown", (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      e.stopPropagation();
      focusItem(i);
      if (e.altKey) return toggleFrozen(item);
      const start = entryValue(item.layer, item.param, item.index);
      const canDrag = !S.readOnly.peek() && start !== null && Number.isFinite(start);
      const y0 = e.clientY;
      let moved = false;
      let sent = start;
      item.el.setPointerCapture(e.pointerId); // the pointer may leave the thin edge: its up still ends here
      const move = (ev) => {
        if (!canDrag) return;
        const dy = ev.clientY - y0;
        if (!moved && Math.abs(dy) < DRAG_THRESHOLD) return;
        moved = true;
        const value = Math.round((start - dy * (ev.shiftKey ? PER_PIXEL_FINE : PER_PIXEL)) * 1000) / 1000;
        if (value === sent) return;
        sent = value;
        preview(item, value);
        const base = root.getBoundingClientRect();
        readout.hidden = false;
        readout.textContent = formatValue(value);
        readout.style.left = `${ev.clientX - base.left + 12}px`;
        readout.style.top = `${ev.clientY - base.top - 24}px`;
        setEntry(item.layer, item.param, item.index, value);
      };
      const up = () => {
        item.el.removeEventListener("pointermove", move);
        item.el.removeEventListener("pointerup", up);
        item.el.removeEventListener("pointercancel", up);
        readout.hidden = true;
        if (!moved) openEditor(item);
      };
      item.el.addEventListener("pointermove", move);
      item.el.addEventListener("pointerup", up);
      item.el.addEventListener("pointercancel", up);
    });
  });

  // Labels (the value in words, for screen readers and the tooltip) and the frozen look follow the
  // weights frames and the session state.
  let drawnSeq = -1;
  let drawnFrozen = null;
  const stop = S.frames.onFrame(() => {
    const state = S.session.peek();
    const frozenKey = JSON.stringify(state && state.frozen);
    if (S.tensors.seq === drawnSeq && frozenKey === drawnFrozen) return;
    drawnSeq = S.tensors.seq;
    drawnFrozen = frozenKey;
    for (const item of items) {
      const value = entryValue(item.layer, item.param, item.index);
      const frozen = isFrozen(state, item.layer, item.param, item.index) === true;
      const label = labelOf(item, value, frozen);
      if (item.el.getAttribute("aria-label") !== label) {
        item.el.setAttribute("aria-label", label);
        if (item.edge) {
          let title = item.el.querySelector("title");
          if (!title) title = item.el.appendChild(document.createElementNS(SVG_NS, "title"));
          title.textContent = label;
        } else item.el.title = label;
      }
      item.el.classList.toggle("is-frozen", frozen);
      if (item.edge) item.edge.path.classList.toggle("is-frozen", frozen);
      item.el.dataset.value = value === null ? "" : String(value);
    }
  });

  return () => {
    stop();
    for (const undo of cleanups) undo();
    readout.remove();
  };
}
