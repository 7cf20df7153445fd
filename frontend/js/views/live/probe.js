// View "probe": the probe sample through the network, live. For every layer its output for that one
// sample (or dL/d output, with the switch): feature maps of every filter at conv and pool layers,
// unit values at dense layers, the output per class with the true class marked (for sequences the
// prediction against the target over time). Click a layer to enlarge it: a convolution then shows
// its input with the zero-padding border, a pooling layer its input with the window of the hovered
// cell (max pooling: the winning cell) outlined. Preact lays the panel out from the layer shapes;
// the canvases are painted from the latest records in frame.js's loop.
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import * as S from "../../state.js";
import { t, tOr, lang } from "../../i18n.js";
import { classNamesOf, className } from "../../datasets.js";
import { ProbePicker } from "../probe_picker.js";
import { gridLayout, paintMaps, paintUnits, paintClassBars, paintSequence, cellAt, outlineCells, absMax } from "../../probe_draw.js";
import { poolWindow, outputProbabilities, targetClass } from "../../probe_math.js";
import { inspectUnit } from "../../stepping/actions.js";

export const place = "tab";
export const usesProbe = true;
export const titleKey = "view.probe";

const WIDTH = 380;
const BIG_WIDTH = 400;

/** The tiles of an enlarged layer (and of its input): four a row, as large as the panel allows. */
function bigLayout(shape, pad = [0, 0, 0, 0]) {
  return gridLayout(shape, BIG_WIDTH, { pad, maxCell: 24, maxCols: 4 });
}

/** What a layer's output looks like: "maps" (C, H, W), "units" (n,), "steps" (time, features). */
function formOf(shape) {
  return shape.length === 3 ? "maps" : shape.length === 2 ? "steps" : "units";
}

/** The record of the probe being shown, if the latest one is about it (older ones are a moment stale). */
function probeSlot(name, layer) {
  const slot = S.tensorSlot(name, layer);
  if (!slot) return null;
  const probe = slot.header.probe;
  const wanted = S.probe.peek();
  if (probe && (probe.split !== wanted.split || probe.index !== wanted.index)) return null;
  return slot;
}

/** The input a layer gets: the previous layer's output, or the probe sample for the first layer. */
function inputSlot(i) {
  return i === 0 ? probeSlot("probe_input", null) : probeSlot("activation", i - 1);
}

/** Paint one canvas of the panel from its record; returns true if it drew. */
function paintCanvas(canvas, ctx) {
  const { role } = canvas.dataset;
  const layer = canvas.dataset.layer === undefined ? null : Number(canvas.dataset.layer);
  const big = canvas.dataset.big === "1";
  const width = big ? BIG_WIDTH : WIDTH;
  canvas.style.height = ""; // bars and sequences size themselves; a canvas may change role (the mode switch)
  if (role === "input") {
    const slot = probeSlot("probe_input", null);
    if (!slot) return false;
    const shape = slot.header.shape;
    if (shape.length === 3) paintMaps(canvas, slot.data, gridLayout(shape, width / 2, { maxCell: 6 }), { image: true });
    else paintUnits(canvas, slot.data, { perRow: shape.length === 2 ? shape[1] * Math.min(shape[0], 32) : 32, cell: 10 });
    return true;
  }
  if (role === "padded") {
    const slot = inputSlot(layer);
    if (!slot || slot.header.shape.length !== 3) return false;
    const pad = paddingOf(ctx.state, layer);
    paintMaps(canvas, slot.data, bigLayout(slot.header.shape, pad), { image: layer === 0 });
    return true;
  }
  if (role === "pooled-input") {
    const slot = inputSlot(layer);
    if (!slot || slot.header.shape.length !== 3) return false;
    const layout = bigLayout(slot.header.shape);
    paintMaps(canvas, slot.data, layout, { image: layer === 0 });
    const hover = ctx.hover;
    if (hover && hover.layer === layer) {
      const win = poolWindow(ctx.state.model.layers[layer], slot.data, slot.header.shape, hover);
      outlineCells(canvas, layout, hover.c, win.r0, win.k0, win.r1, win.k1, "#7b8794");
      if (win.winner) outlineCells(canvas, layout, hover.c, win.winner[0], win.winner[1]);
    }
    return true;
  }
  const name = ctx.mode === "grads" ? "activation_grad" : "activation";
  const slot = probeSlot(name, layer);
  if (!slot) return false;
  const shape = slot.header.shape;
  if (role === "bars") {
    const spec = ctx.state.model.layers[layer];
    const target = probeSlot("probe_target", null);
    const values = ctx.mode === "grads" ? Array.from(slot.data) : outputProbabilities(spec, ctx.state.task, slot.data);
    const names = values.map((_, k) => (values.length === 2 && ctx.state.task === "binary" ? t(`out.class${k}`) : className(ctx.classNames, k)));
    paintClassBars(canvas, values, target ? targetClass(ctx.state.task, target.data) : null, names, width);
    return true;
  }
  if (role === "sequence") {
    const target = probeSlot("probe_target", null);
    const features = shape[1] || 1;
    const predicted = Array.from({ length: shape[0] }, (_, s) => slot.data[s * features]);
    const truth = target && ctx.mode !== "grads" ? Array.from({ length: shape[0] }, (_, s) => target.data[s * features]) : null;
    paintSequence(canvas, predicted, truth, width);
    return true;
  }
  if (role === "maps") {
    const layout = big ? bigLayout(shape) : gridLayout(shape, width, { maxCell: 5 });
    paintMaps(canvas, slot.data, layout);
    canvas.dataset.max = absMax(slot.data).toPrecision(3);
    const hover = ctx.hover;
    if (hover && hover.layer === layer && big) outlineCells(canvas, layout, hover.c, hover.r, hover.k, hover.r, hover.k, "#1f2933");
    return true;
  }
  if (role === "steps") {
    // (time, features): one column per time step, one row per feature.
    const [steps, features] = shape;
    const transposed = new Float32Array(steps * features);
    for (let s = 0; s < steps; s++) for (let f = 0; f < features; f++) transposed[f * steps + s] = slot.data[s * features + f];
    paintUnits(canvas, transposed, { perRow: steps, cell: Math.max(4, Math.min(14, Math.floor(width / steps))) });
    canvas.dataset.max = absMax(slot.data).toPrecision(3);
    return true;
  }
  paintUnits(canvas, slot.data, { perRow: big ? 16 : 32, cell: big ? 22 : 11 });
  canvas.dataset.max = absMax(slot.data).toPrecision(3);
  return true;
}

/** The text under a layer: what it shows and the scale. */
function describe(shape) {
  if (shape.length === 3) return t("probe.maps", { n: shape[0], h: shape[1], w: shape[2] });
  if (shape.length === 2) return `(${shape.join(" × ")})`;
  return shape[0] === 1 ? t("probe.unit") : t("probe.units", { n: shape[0] });
}

/** Keys that move the hovered cell of an enlarged map: arrows within a map, Page Up/Down between maps. */
const CELL_KEYS = { ArrowLeft: [0, 0, -1], ArrowRight: [0, 0, 1], ArrowUp: [0, -1, 0], ArrowDown: [0, 1, 0], PageUp: [-1, 0, 0], PageDown: [1, 0, 0] };

function LayerCard({ i, spec, shape, padding, last, big, onToggle, sequenceOut, onHover, hover, task, mode }) {
  const form = formOf(shape);
  const classifier = task === "binary" || task === "multiclass";
  // Gradients of the output are not probabilities: they get the cells of any other layer.
  const bars = last && classifier && form === "units" && mode !== "grads";
  const role = last && sequenceOut ? "sequence" : bars ? "bars" : form;
  const type = tOr(`layer.${spec.type}`, spec.type);
  const pool = spec.type === "max_pool2d" || spec.type === "avg_pool2d";
  const onMove = (e) => {
    if (!big || role !== "maps") return;
    const canvas = e.currentTarget;
    const box = canvas.getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * canvas.width;
    const y = ((e.clientY - box.top) / box.height) * canvas.height;
    const hit = cellAt(bigLayout(shape), x, y);
    onHover(hit ? { layer: i, ...hit } : null);
  };
  // A conv cell opens the unit inspector: a click, or Enter on the cell the arrow keys moved to.
  const inspectCell = (cell) => {
    if (spec.type === "conv2d" && cell) inspectUnit({ layer: i, channel: cell.c, row: cell.r, col: cell.k });
  };
  const onClick = (e) => {
    if (!big || role !== "maps") return;
    const canvas = e.currentTarget;
    const box = canvas.getBoundingClientRect();
    inspectCell(cellAt(bigLayout(shape), ((e.clientX - box.left) / box.width) * canvas.width, ((e.clientY - box.top) / box.height) * canvas.height));
  };
  const onKey = (e) => {
    if (e.key === "Enter" && big && role === "maps" && hover && hover.layer === i) {
      e.preventDefault();
      inspectCell(hover);
      return;
    }
    const move = CELL_KEYS[e.key];
    if (!big || role !== "maps" || !move || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    const [channels, h, w] = shape;
    const at = hover && hover.layer === i ? hover : { layer: i, c: 0, r: 0, k: 0 };
    const clamp = (v, n) => Math.max(0, Math.min(n - 1, v));
    const first = !(hover && hover.layer === i);
    onHover(first ? at : { layer: i, c: clamp(at.c + move[0], channels), r: clamp(at.r + move[1], h), k: clamp(at.k + move[2], w) });
  };
  return html`<li class=${`probe-layer ${big ? "is-big" : ""}`} data-testid="probe-layer" data-layer=${i} data-type=${spec.type}>
    <button type="button" class="probe-layer-head" aria-expanded=${big ? "true" : "false"} data-testid="probe-layer-toggle"
      title=${big ? t("probe.shrink") : t("probe.enlarge", { n: i + 1 })} onClick=${() => onToggle(i)}>
      <span class=${`layer-chip chip-${spec.type}`} aria-hidden="true"></span>
      <strong>${i + 1}. ${type}</strong>
      <span class="hint">${describe(shape)}</span>
    </button>
    ${big && spec.type === "conv2d"
      ? html`<figure class="probe-figure">
          <canvas class="probe-canvas" data-role="padded" data-layer=${i} data-big="1" data-testid="probe-padded"></canvas>
          <figcaption class="hint" data-testid="probe-padding">${paddingText(padding)}</figcaption>
        </figure>`
      : null}
    ${big && pool
      ? html`<figure class="probe-figure">
          <canvas class="probe-canvas" data-role="pooled-input" data-layer=${i} data-big="1" data-testid="probe-pool-input"></canvas>
          <figcaption class="hint">${t(spec.type === "max_pool2d" ? "probe.poolHover" : "probe.avgHover")}</figcaption>
        </figure>`
      : null}
    <canvas class=${`probe-canvas probe-${role}`} data-role=${role} data-layer=${i} data-big=${big ? "1" : "0"}
      data-testid="probe-canvas" data-drawn="0" onMouseMove=${onMove} onMouseLeave=${() => onHover(null)} onClick=${onClick}
      tabindex=${big && role === "maps" ? 0 : undefined} onKeyDown=${onKey}
      aria-label=${big && role === "maps" ? t("probe.cellKeys") : undefined}></canvas>
    ${role === "maps" || role === "units" || role === "steps"
      ? html`<span class="hint probe-scale" data-scale=${i}></span>`
      : null}
    ${last && !sequenceOut && !classifier ? html`<span class="hint" data-probe-regression></span>` : null}
  </li>`;
}

/** The zero border [top, bottom, left, right] the engine adds to conv layer `i`'s input, as the server says. */
function paddingOf(state, i) {
  return (state.layers[i] && state.layers[i].padding) || [0, 0, 0, 0];
}

/** What the padded input shows: the zero border the engine adds (top, bottom, left, right). */
function paddingText(padding) {
  const [top, bottom, left, right] = padding;
  if (!(top || bottom || left || right)) return t("probe.paddedNone");
  const same = top === bottom && bottom === left && left === right;
  return t("probe.padded", { p: same ? top : `${top}/${bottom}/${left}/${right}` });
}

export function Panel() {
  const rootRef = useRef(null);
  const hoverRef = useRef(null);
  const [mode, setMode] = useState("values");
  const [big, setBig] = useState(null);
  const [, setHoverTick] = useState(0);
  const state = S.session.value;
  const probe = S.probe.value;
  const language = lang.value;
  const shapes = state ? state.layers.map((l) => l.output_shape) : [];
  const key = state ? JSON.stringify([state.generation, state.model, shapes, mode, big, language, probe]) : "";

  useEffect(() => {
    const root = rootRef.current;
    if (!root || !state) return undefined;
    const drawn = new Map();
    let frames = 0;
    const ctx = { state: S.session.peek(), mode, classNames: [], hover: null };
    return S.frames.onFrame(() => {
      ctx.state = S.session.peek();
      // An upload's class names come with its samples, which may arrive after the view opened.
      ctx.classNames = ctx.state ? classNamesOf(S.catalog.peek(), ctx.state.dataset, S.points.peek()) : [];
      ctx.hover = hoverRef.current;
      if (!ctx.state || S.tensors.generation !== ctx.state.generation) return;
      let drew = false;
      for (const canvas of root.querySelectorAll("canvas[data-role]")) {
        const version = drawn.get(canvas);
        const role = canvas.dataset.role;
        // Cheap check before painting: has the record (or the hover) changed since this canvas was painted?
        const probeKey = currentVersion(canvas, role, ctx);
        if (probeKey === null || probeKey === version) continue;
        const result = paintCanvas(canvas, ctx);
        if (result === false) continue;
        const scale = root.querySelector(`[data-scale="${canvas.dataset.layer}"]`);
        if (scale && canvas.dataset.max) scale.textContent = t("probe.scale", { m: canvas.dataset.max });
        drawn.set(canvas, probeKey);
        canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
        drew = true;
      }
      // Which probe the records drawn now belong to (the server names it in each header).
      const input = probeSlot("probe_input", null);
      if (input && input.header.probe) root.dataset.drawnProbe = `${input.header.probe.split}:${input.header.probe.index}`;
      const loss = probeSlot("probe_loss", null);
      const lossEl = root.querySelector("[data-probe-loss]");
      if (lossEl) lossEl.textContent = loss ? t("probe.loss", { value: formatLoss(loss.data[0]) }) : "";
      const regression = root.querySelector("[data-probe-regression]");
      if (regression) regression.textContent = regressionText(ctx.state);
      if (drew) root.dataset.frames = String(++frames);
    });
  }, [key]);

  if (!state) return null;
  const layers = state.model.layers;
  const sequenceOut = shapes.length && shapes[shapes.length - 1].length === 2;
  const onHover = (hit) => {
    const before = JSON.stringify(hoverRef.current);
    hoverRef.current = hit;
    if (before !== JSON.stringify(hit)) {
      setHoverTick((n) => n + 1);
      S.frames.requestFrame();
    }
  };
  const hover = hoverRef.current;
  const toggle = (i) => setBig(big === i ? null : i);
  const shown = big === null ? layers.map((_, i) => i) : [big];
  return html`<div class="panel-body probe-panel" ref=${rootRef} data-testid="probe-view" data-frames="0"
    data-probe=${`${probe.split}:${probe.index}`}>
    <${ProbePicker} />
    <div class="probe-tools">
      <span class="field-label">${t("probe.show")}</span>
      <span class="segmented small" role="group" aria-label=${t("probe.show")}>
        ${["values", "grads"].map((m) => html`<button type="button" class=${mode === m ? "on" : ""} aria-pressed=${mode === m ? "true" : "false"}
          data-testid=${`probe-mode-${m}`} onClick=${() => setMode(m)}>${t(`probe.${m}`)}</button>`)}
      </span>
      <span class="probe-loss" data-probe-loss data-testid="probe-loss"></span>
    </div>
    ${big === null
      ? html`<div class="probe-input"><span class="field-label">${t("probe.input")}</span>
          <canvas class="probe-canvas" data-role="input" data-testid="probe-input" data-drawn="0"></canvas></div>`
      : html`<button type="button" class="btn btn-small" data-testid="probe-back" onClick=${() => setBig(null)}>${t("probe.shrink")}</button>`}
    <ol class="probe-layers">
      ${shown.map((i) => html`<${LayerCard} key=${`${i}:${big}`} i=${i} spec=${layers[i]} shape=${shapes[i] || []}
        padding=${paddingOf(state, i)}
        last=${i === layers.length - 1} big=${big === i} onToggle=${toggle} sequenceOut=${sequenceOut} onHover=${onHover}
        hover=${hover} mode=${mode}
        task=${state.task} />`)}
    </ol>
    ${hover && big !== null ? html`<p class="hint" data-testid="probe-hover" aria-live="polite">${hoverText(hover)}</p>` : null}
    <p class="hint">${t("probe.hint")}</p>
  </div>`;
}

/** Predicted against target for a one-value regression output. */
function regressionText(state) {
  const out = probeSlot("activation", state.model.layers.length - 1);
  const target = probeSlot("probe_target", null);
  if (!out || !target) return "";
  return t("probe.regression", { p: formatLoss(out.data[0]), y: formatLoss(target.data[0]) });
}

function hoverText(hover) {
  const slot = probeSlot("activation", hover.layer);
  if (!slot) return "";
  const [, h, w] = slot.header.shape;
  const v = slot.data[hover.c * h * w + hover.r * w + hover.k];
  return t("probe.cell", { c: hover.c + 1, r: hover.r + 1, col: hover.k + 1, v: Number.isFinite(v) ? v.toFixed(4) : String(v) });
}

function formatLoss(v) {
  return Number.isFinite(v) ? (v >= 100 ? v.toFixed(1) : v.toFixed(4)) : String(v);
}

/** A version tag of what a canvas would show now (null: nothing to show yet). */
function currentVersion(canvas, role, ctx) {
  const layer = canvas.dataset.layer === undefined ? null : Number(canvas.dataset.layer);
  const hover = ctx.hover ? JSON.stringify(ctx.hover) : "";
  if (role === "input") return seqOf(probeSlot("probe_input", null));
  if (role === "padded") return seqOf(inputSlot(layer));
  if (role === "pooled-input") {
    const s = seqOf(inputSlot(layer));
    return s === null ? null : `${s}:${hover}`;
  }
  const main = seqOf(probeSlot(ctx.mode === "grads" ? "activation_grad" : "activation", layer));
  if (main === null) return null;
  if (role === "bars" || role === "sequence") return `${main}:${seqOf(probeSlot("probe_target", null))}`;
  if (role === "maps") return `${main}:${hover}`;
  return main;
}

function seqOf(slot) {
  return slot ? slot.seq : null;
}
