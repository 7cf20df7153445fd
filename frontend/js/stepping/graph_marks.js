// What phase stepping and the inspector add to the neuron graph (views/graph_view.js builds its DOM
// imperatively; this marks it afterwards, and again whenever the graph is rebuilt): the layer the
// phase works on highlighted, each unit's output for the probe appearing as the forward pass
// reaches its layer and its dL/dy as the backward pass does (numbers of the server's inspection),
// and the dense units made keyboard-reachable for the inspector (one tab stop; arrows move between
// units, Enter or Space shows the unit, Escape closes it).
import { effect } from "@preact/signals";
import { useEffect } from "preact/hooks";
import * as S from "../state.js";
import { t } from "../i18n.js";
import { inspection, inspected } from "./state.js";
import { inspectUnit } from "./actions.js";
import { revealed, currentLayer } from "./phases.js";
import { formatValue, fullValue, flat } from "./numbers.js";

/** The inspection if it is of the session and network shown now, else null. */
function currentInspection(state) {
  const held = inspection.peek();
  return held && held.key.startsWith(`${state.id}|${state.generation}|`) ? held.data : null;
}

/** Put (or update, or remove when `value` is undefined) the badge `name` on node `el`. */
function badge(el, name, value) {
  let tag = /** @type {HTMLElement | null} */ (el.querySelector(`.graph-${name}`));
  if (value === undefined) {
    if (tag) tag.remove();
    return;
  }
  if (!tag) {
    tag = document.createElement("span");
    tag.className = `graph-badge graph-${name}`;
    tag.dataset.testid = `node-${name}`;
    el.appendChild(tag);
  }
  tag.textContent = name === "grad" ? `∂ ${formatValue(value)}` : formatValue(value);
  tag.dataset.value = fullValue(value);
}

function nodesOf(root) {
  return /** @type {HTMLElement[]} */ ([...root.querySelectorAll(".graph-node[data-layer]")]);
}

/** Arrow keys between the inspectable units: up/down in a column, left/right to the next such column. */
function moveFocus(root, el, key) {
  const nodes = nodesOf(root).filter((n) => n.dataset.inspectable === "1");
  const layer = Number(el.dataset.layer);
  const unit = Number(el.dataset.unit);
  const layers = [...new Set(nodes.map((n) => Number(n.dataset.layer)))].sort((a, b) => a - b);
  let target = null;
  if (key === "ArrowDown" || key === "ArrowUp") {
    const column = nodes.filter((n) => Number(n.dataset.layer) === layer);
    const at = column.indexOf(el) + (key === "ArrowDown" ? 1 : -1);
    target = column[Math.max(0, Math.min(column.length - 1, at))];
  } else {
    const next = layers[layers.indexOf(layer) + (key === "ArrowRight" ? 1 : -1)];
    if (next === undefined) return;
    const column = nodes.filter((n) => Number(n.dataset.layer) === next);
    target = column[Math.min(unit, column.length - 1)];
  }
  if (!target || target === el) return;
  el.tabIndex = -1;
  target.tabIndex = 0;
  target.focus();
}

/** Make a dense unit's node a button for the inspector (once per node). */
function makeInspectable(root, el) {
  if (el.dataset.inspectable === "1") return;
  el.dataset.inspectable = "1";
  el.setAttribute("role", "button");
  el.tabIndex = -1;
  const unit = () => ({ layer: Number(el.dataset.layer), unit: Number(el.dataset.unit) });
  el.addEventListener("click", () => inspectUnit(unit()));
  el.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      inspectUnit(unit());
    } else if (e.key === "Escape" && inspected.peek()) {
      e.preventDefault();
      inspectUnit(null);
    } else if (e.key.startsWith("Arrow")) {
      e.preventDefault();
      moveFocus(root, el, e.key);
    }
  });
}

/** Mark the graph in `root` for the session's phase, inspection and inspected unit. */
function mark(root) {
  const state = S.session.peek();
  if (!state) return;
  const phase = state.phase;
  const count = state.model.layers.length;
  const shown = revealed(phase, count);
  const current = currentLayer(phase);
  const data = shown.stepping ? currentInspection(state) : null;
  const picked = inspected.peek();
  root.dataset.phase = (phase && phase.stage) || "";
  for (const label of root.querySelectorAll(".graph-col-label[data-layer]")) {
    label.classList.toggle("is-phase-current", current !== null && label.dataset.layer === String(current));
  }
  const inspectables = [];
  for (const el of nodesOf(root)) {
    const isInput = el.dataset.layer === "input";
    const layer = isInput ? -1 : Number(el.dataset.layer);
    const unit = Number(el.dataset.unit);
    el.classList.toggle("is-phase-current", layer === current);
    el.classList.toggle("is-phase-done", shown.stepping && layer < shown.forward && layer !== current);
    const spec = isInput ? null : state.model.layers[layer];
    if (spec && spec.type === "dense") {
      makeInspectable(root, el);
      el.setAttribute("aria-label", t("insp.pickUnit", { name: el.dataset.name || "" }));
      const isPicked = Boolean(picked && !("channel" in picked) && picked.layer === layer && picked.unit === unit);
      el.classList.toggle("is-inspected", isPicked);
      inspectables.push({ el, isPicked });
    }
    // The numbers: the input as soon as a step is walked, a layer's output once forward has passed it.
    const layerData = data ? data.layers[isInput ? 0 : layer] : null;
    const value = layerData && (isInput || layer < shown.forward) ? flat(isInput ? layerData.input : layerData.output)[unit] : undefined;
    badge(el, "value", value);
    const grad = layerData && !isInput && layer >= shown.gradsFrom ? flat(layerData.output_grad)[unit] : undefined;
    badge(el, "grad", grad);
  }
  // One tab stop for the graph: the inspected unit, else the one the arrows moved to, else the first.
  const stop = (inspectables.find((n) => n.isPicked) || inspectables.find((n) => n.el.tabIndex === 0) || inspectables[0] || {}).el;
  for (const { el } of inspectables) el.tabIndex = el === stop ? 0 : -1;
}

/** Keep the neuron graph in `rootRef` marked while it is mounted. */
export function useGraphMarks(rootRef) {
  useEffect(() => {
    const root = rootRef.current;
    if (!root) return undefined;
    const apply = () => mark(root);
    // The graph rebuilds its DOM (a new network, a resize): mark the new nodes. Only the root's own
    // children are watched, so the badges added here do not call this again.
    const observer = new MutationObserver(apply);
    observer.observe(root, { childList: true });
    const dispose = effect(() => {
      S.session.value;
      inspection.value;
      inspected.value;
      apply();
    });
    return () => {
      observer.disconnect();
      dispose();
    };
  }, []);
}
