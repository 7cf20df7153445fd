// The decision boundary: the network's output over the input plane ("boundary" frames) as a
// heatmap, with the training points (and, on request, the validation points) drawn over it.
// Hovering a neuron in the graph shows that neuron's map here instead. In drawing mode a click
// adds a training point of the chosen class (or value) and a click on a training point removes
// it; the session keeps its weights and trains on the changed set. The keyboard does the same:
// the focused canvas shows a cross that the arrow keys move (Shift: further), Enter or Space acts
// at the cross, 0 and 1 pick the class. Out of drawing mode a click on a point makes it the probe
// (the sample the probe views show), marked with a ring. When training is slow enough to follow
// (or paused, stepping by hand) the last batch's points are ringed too (live/batch.js).
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import * as S from "../state.js";
import { t } from "../i18n.js";
import { setProbe } from "../actions.js";
import { addPoint, removePoint, setDrawMode, clearDrawnPoints } from "../point_edits.js";
import { useWatchedView } from "../live_views.js";
import { batchesVisible, lastBatch, drawBatch } from "./live/batch.js";
import { drawCross, drawProbe } from "./plane_marks.js";
import { PencilIcon } from "./icons.js";
import { paintValues, makeOffscreen, domainOf, colourOf, CLASS_COLOURS } from "../heatmap.js";
import { featureMapOf } from "../feature_maps.js";

const TICKS = [-6, -4, -2, 0, 2, 4, 6];

/** What the heatmap should show now: {data, offset, lo, hi, seq} or null. */
function source(state, focus) {
  const g = state.grid.size;
  if (focus && focus.feature) {
    const map = featureMapOf(focus.feature, g);
    if (!map) return null; // not read yet (feature_maps.js asks for a frame when it is)
    return { data: map.values, offset: 0, lo: map.low, hi: map.high, seq: `in:${focus.feature}:${S.featureMaps.peek().key}` };
  }
  if (focus && focus.layer !== undefined) {
    const slot = S.tensors.slots.get(`neurons/${focus.layer}`);
    const spec = state.model.layers[focus.layer];
    if (!slot || !spec || slot.header.shape[1] !== g) return null;
    const [lo, hi] = domainOf(spec.activation || "linear");
    return { data: slot.data, offset: focus.unit * g * g, lo, hi, seq: slot.seq };
  }
  const slot = S.tensors.slots.get("boundary");
  if (!slot || slot.header.shape[0] !== g) return null;
  // Classifiers: the probability of class 1 in [0, 1]; regression: the predicted value in [-1, 1].
  const [lo, hi] = state.task === "regression" ? [-1, 1] : [0, 1];
  return { data: slot.data, offset: 0, lo, hi, seq: slot.seq };
}

/** A sample's target as one number (the wire gives each as a list). */
function targetOf(y) {
  return Array.isArray(y) ? y[0] : y;
}

function drawPoints(ctx, split, grid, size, hollow, regression, drawnFrom = Infinity) {
  if (!split) return;
  const { x_min, x_max, y_min, y_max } = grid;
  const sx = size / (x_max - x_min);
  const sy = size / (y_max - y_min);
  const r = Math.max(2.5, size / 110);
  ctx.lineWidth = hollow ? 1.6 : 1;
  for (let i = 0; i < split.x.length; i++) {
    const [x1, x2] = split.x[i];
    const v = targetOf(split.y[i]);
    const colour = regression ? colourOf(v) : CLASS_COLOURS[v > 0.5 ? 1 : 0];
    const px = (x1 - x_min) * sx;
    const py = (y_max - x2) * sy;
    ctx.beginPath();
    ctx.arc(px, py, r, 0, Math.PI * 2);
    if (hollow) {
      ctx.fillStyle = "rgba(255,255,255,0.85)";
      ctx.fill();
      ctx.strokeStyle = colour;
      ctx.stroke();
    } else {
      ctx.fillStyle = colour;
      ctx.fill();
      const drawn = i >= drawnFrom;
      ctx.strokeStyle = drawn ? "#1f2933" : "#ffffff";
      ctx.lineWidth = drawn ? 2 : 1;
      ctx.stroke();
    }
  }
}

/** The plane coordinates under a pointer event on the canvas. */
function planeAt(event, canvas, grid) {
  const box = canvas.getBoundingClientRect();
  const fx = (event.clientX - box.left) / box.width;
  const fy = (event.clientY - box.top) / box.height;
  return {
    x1: grid.x_min + fx * (grid.x_max - grid.x_min),
    x2: grid.y_max - fy * (grid.y_max - grid.y_min),
    px: event.clientX - box.left,
    py: event.clientY - box.top,
    scale: box.width / (grid.x_max - grid.x_min),
  };
}

/** What the cross is on and what Enter will do there, for the live text. */
function crossText(cross, state, mode) {
  const at = { x1: cross.x1.toFixed(2), x2: cross.x2.toFixed(2) };
  const pts = S.points.peek();
  const hit = pts ? nearestPoint(pts, cross) : -1;
  if (hit >= 0) {
    const label = targetOf(pts.train.y[hit]);
    const what = state.task === "regression" ? Number(label).toFixed(2) : t(`out.class${label >= 0.5 ? 1 : 0}`);
    return t("draw.crossOnPoint", { ...at, what });
  }
  const what = state.task === "regression" ? Number(mode.label).toFixed(1) : t(`out.class${mode.label >= 0.5 ? 1 : 0}`);
  return t("draw.crossAt", { ...at, what });
}

/** The training point the keyboard cross is on (within a quarter of an arrow step), else -1. */
function nearestPoint(pts, cross) {
  let best = -1;
  let bestD = (KEY_STEP / 2) ** 2;
  pts.train.x.forEach(([x1, x2], i) => {
    const d = (x1 - cross.x1) ** 2 + (x2 - cross.x2) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

/** Arrow keys move the keyboard cross this far in plane units (with Shift: KEY_STEP_BIG). */
const KEY_STEP = 0.25;
const KEY_STEP_BIG = 1;
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };

/** The index of the point of `split` nearest to the pointer, if within a few pixels; else -1. */
function hitPoint(pts, grid, at, split = "train") {
  const radius = 7;
  let best = -1;
  let bestD = radius * radius;
  pts[split].x.forEach(([x1, x2], i) => {
    const dx = (x1 - grid.x_min) * at.scale - at.px;
    const dy = (grid.y_max - x2) * at.scale - at.py;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

/** The toolbar of drawing mode: on/off, the class (or value) of new points, putting points back. */
function DrawTools({ state }) {
  const mode = S.drawMode.value;
  const regression = state.task === "regression";
  const edited = state.dataset.added_points.length || state.dataset.removed_points.length;
  return html`<div class="draw-tools">
    <button class=${`btn btn-small ${mode.on ? "btn-active" : ""}`} data-testid="draw-toggle"
      aria-pressed=${mode.on ? "true" : "false"} onClick=${() => setDrawMode({ on: !mode.on })}
      title=${t("draw.hint")}><${PencilIcon} />${t("draw.toggle")}</button>
    ${mode.on && !regression
      ? html`<span class="segmented small" role="group" aria-label=${t("draw.classLabel")}>
          ${[0, 1].map((c) => html`<button class=${mode.label === c ? "on" : ""} aria-pressed=${mode.label === c ? "true" : "false"}
            data-testid=${`draw-class-${c}`} onClick=${() => setDrawMode({ label: c })}>
            <i class="dot" style=${{ background: CLASS_COLOURS[c] }}></i>${t(`out.class${c}`)}</button>`)}
        </span>`
      : null}
    ${mode.on && regression
      ? html`<label class="draw-value"><span>${t("draw.value")}</span>
          <input type="range" min="-1" max="1" step="0.1" value=${mode.label} data-testid="draw-value"
            onInput=${(e) => setDrawMode({ label: Number(e.currentTarget.value) })} />
          <output style=${{ color: colourOf(mode.label) }}>${Number(mode.label).toFixed(1)}</output></label>`
      : null}
    ${mode.on && edited
      ? html`<button class="btn btn-small btn-ghost" data-testid="draw-reset" onClick=${clearDrawnPoints}>${t("draw.reset")}</button>`
      : null}
  </div>`;
}

export function BoundaryView() {
  const canvasRef = useRef(null);
  const crossRef = useRef(null); // {x1, x2} while the canvas has keyboard focus in drawing mode
  const [cross, setCross] = useState(null); // the same, for the text people (and screen readers) read
  const state = S.session.value;
  const showVal = S.showValidation.value;
  const focus = S.focusNeuron.value;
  const points = S.points.value;
  const gridKey = state ? JSON.stringify(state.grid) : "";
  useWatchedView("boundary");
  const showBatches = batchesVisible(state, S.status.value);
  useWatchedView("batch", showBatches);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !state) return undefined;
    const ctx = canvas.getContext("2d");
    const off = makeOffscreen(state.grid.size);
    let frames = 0;
    let drawnSeq = null;
    let drawnBatch = null;
    let dirty = true;
    let cssSize = 0;
    const resize = () => {
      const size = Math.floor(canvas.clientWidth);
      if (size === cssSize || size < 10) return;
      cssSize = size;
      const dpr = window.devicePixelRatio || 1;
      canvas.width = canvas.height = Math.round(size * dpr);
      dirty = true;
      S.frames.requestFrame();
    };
    resize();
    const observer = new ResizeObserver(resize);
    observer.observe(canvas);
    const redraw = () => {
      dirty = true;
      S.frames.requestFrame();
    };
    canvas.addEventListener("np-redraw", redraw);
    const stop = S.frames.onFrame(() => {
      const current = S.session.peek();
      if (!current || !cssSize) return;
      const src = S.tensors.generation === current.generation ? source(current, S.focusNeuron.peek()) : null;
      const fresh = src && src.seq !== drawnSeq;
      const visible = batchesVisible(current, S.status.peek());
      const batch = visible ? lastBatch() : null;
      const batchSeq = batch ? batch.seq : null;
      if (!fresh && !dirty && batchSeq === drawnBatch) return;
      drawnBatch = batchSeq;
      dirty = false;
      const W = canvas.width;
      if (src) {
        // Translucent over white, as in TF Playground, so the points stay visible on their class.
        paintValues(off.image, src.data, src.offset, off.size, src.lo, src.hi, 165);
        off.ctx.putImageData(off.image, 0, 0);
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(0, 0, W, W);
        ctx.imageSmoothingEnabled = true;
        ctx.imageSmoothingQuality = "high";
        ctx.drawImage(off.canvas, 0, 0, W, W);
        drawnSeq = src.seq;
      } else {
        ctx.fillStyle = "#eef0f2";
        ctx.fillRect(0, 0, W, W);
      }
      // Axes through the origin.
      ctx.strokeStyle = "rgba(0,0,0,0.12)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(W / 2, 0);
      ctx.lineTo(W / 2, W);
      ctx.moveTo(0, W / 2);
      ctx.lineTo(W, W / 2);
      ctx.stroke();
      const pts = S.points.peek();
      if (pts && (!pts.kind || pts.kind === "points")) {
        const regression = current.task === "regression";
        const drawnFrom = pts.dataset ? pts.train.x.length - pts.dataset.added_points.length : Infinity;
        drawPoints(ctx, pts.train, current.grid, W, false, regression, drawnFrom);
        if (S.showValidation.peek()) drawPoints(ctx, pts.validation, current.grid, W, true, regression);
      }
      if (pts && (!pts.kind || pts.kind === "points") && batch && pts.key === JSON.stringify(current.dataset)) {
        drawBatch(ctx, batch, pts.train, current.grid, W);
        canvas.dataset.batchStep = String(batch.step);
      }
      if (pts && (!pts.kind || pts.kind === "points")) drawProbe(ctx, pts, S.probe.peek(), current.grid, W, S.showValidation.peek());
      if (crossRef.current) drawCross(ctx, crossRef.current, current.grid, W);
      if (fresh) {
        frames += 1;
        canvas.dataset.frames = String(frames);
      }
    });
    return () => {
      observer.disconnect();
      canvas.removeEventListener("np-redraw", redraw);
      stop();
    };
  }, [gridKey]);

  // Redraw (without a new tensor) when the overlay or the focus changes.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas) canvas.dispatchEvent(new CustomEvent("np-redraw"));
  }, [showVal, focus, points, S.probe.value]);

  const mode = S.drawMode.value;
  const drawing = mode.on && !S.readOnly.value;
  /**
   * Remove training point `hit` (>= 0), or add one at `at` (a click, or Enter or Space at the
   * cross). Clicks find the point within a few pixels; the cross within a quarter of its step.
   */
  const actAt = (at, hit) => {
    const pts = S.points.peek();
    const fresh = pts && pts.key === JSON.stringify(S.session.peek().dataset);
    if (hit >= 0) {
      if (fresh) removePoint(hit);
      return;
    }
    const { x_min, x_max, y_min, y_max } = state.grid;
    if (at.x1 < x_min || at.x1 > x_max || at.x2 < y_min || at.x2 > y_max) return;
    addPoint(at.x1, at.x2, state.task === "regression" ? mode.label : mode.label >= 0.5 ? 1 : 0);
  };
  const onClick = (e) => {
    if (!state) return;
    const at = planeAt(e, canvasRef.current, state.grid);
    const pts = S.points.peek();
    if (drawing) {
      actAt(at, pts ? hitPoint(pts, state.grid, at) : -1);
      return;
    }
    if (!pts || (pts.kind && pts.kind !== "points") || pts.key !== JSON.stringify(state.dataset)) return;
    const train = hitPoint(pts, state.grid, at, "train");
    const validation = S.showValidation.peek() && pts.validation ? hitPoint(pts, state.grid, at, "validation") : -1;
    if (validation >= 0 && train < 0) setProbe("validation", validation);
    else if (train >= 0) setProbe("train", train);
  };
  const moveCross = (next) => {
    crossRef.current = next;
    setCross(next);
    const canvas = canvasRef.current;
    if (canvas) canvas.dispatchEvent(new CustomEvent("np-redraw"));
  };
  const onKeyDown = (e) => {
    // Leave the browser's own shortcuts (zoom, history) and held-down repeats alone.
    if (!drawing || !state || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.repeat && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      return;
    }
    const { x_min, x_max, y_min, y_max } = state.grid;
    const here = crossRef.current || { x1: 0, x2: 0 };
    if (ARROWS[e.key]) {
      const step = e.shiftKey ? KEY_STEP_BIG : KEY_STEP;
      const [dx, dy] = ARROWS[e.key];
      const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, Math.round(v / KEY_STEP) * KEY_STEP));
      moveCross({ x1: clamp(here.x1 + dx * step, x_min, x_max), x2: clamp(here.x2 + dy * step, y_min, y_max) });
    } else if (e.key === "Enter" || e.key === " ") {
      if (crossRef.current) {
        const pts = S.points.peek();
        actAt(here, pts ? nearestPoint(pts, here) : -1);
      } else moveCross(here); // focused by a click: show where the keys act first
    } else if ((e.key === "0" || e.key === "1") && state.task !== "regression") {
      setDrawMode({ label: Number(e.key) });
    } else return;
    e.preventDefault();
  };
  const onFocus = (e) => {
    // Only keyboard focus shows the cross; a click focuses the canvas too.
    if (drawing && !crossRef.current && e.currentTarget.matches(":focus-visible")) moveCross({ x1: 0, x2: 0 });
  };
  const onBlur = () => {
    if (crossRef.current) moveCross(null);
  };
  useEffect(() => {
    if (!drawing && crossRef.current) moveCross(null); // drawing turned off with the canvas focused
  }, [drawing]);
  const onMove = (e) => {
    if (!drawing || !state) return;
    const pts = S.points.peek();
    const hit = pts ? hitPoint(pts, state.grid, planeAt(e, canvasRef.current, state.grid)) : -1;
    e.currentTarget.classList.toggle("over-point", hit >= 0);
  };
  return html`<div class="boundary">
    <div class="section-head">
      <h2 class="section-title">${t("out.boundary")}</h2>
      <label class="toggle">
        <input type="checkbox" data-testid="show-validation" checked=${showVal}
          onChange=${(e) => (S.showValidation.value = e.currentTarget.checked)} />
        <span>${t("out.showVal")}</span>
      </label>
    </div>
    ${S.readOnly.value || !state ? null : html`<${DrawTools} state=${state} />`}
    <div class="boundary-frame">
      <div class="boundary-canvas-wrap">
        <canvas ref=${canvasRef} class=${`boundary-canvas ${drawing ? "is-drawing" : ""}`} data-testid="boundary-canvas"
          data-frames="0" role=${drawing ? "application" : "img"} aria-roledescription=${drawing ? t("draw.role") : undefined}
          aria-label=${drawing ? t("draw.canvasLabel") : t("out.boundary")}
          tabindex=${drawing ? 0 : -1} onClick=${onClick} onMouseMove=${onMove}
          onKeyDown=${onKeyDown} onFocus=${onFocus} onBlur=${onBlur}></canvas>
        ${focus ? html`<div class="focus-tag">${t("out.focus", { name: focus.name })}</div>` : null}
      </div>
      <div class="ticks ticks-x" aria-hidden="true">${TICKS.map((v) => html`<span>${v}</span>`)}</div>
      <div class="ticks ticks-y" aria-hidden="true">${TICKS.slice().reverse().map((v) => html`<span>${v}</span>`)}</div>
    </div>
    ${drawing
      ? html`<p class="hint draw-hint" data-testid="draw-hint" aria-live="polite">${cross
          ? crossText(cross, state, mode)
          : t("draw.hint")}</p>`
      : html`<p class="hint plane-marks">${t("probe.planeMark")}${showBatches ? ` ${t("batch.planeMark")}` : ""}</p>`}
    ${state && state.task === "regression"
      ? html`<div class="legend" aria-hidden="true"><span>−1</span><span class="legend-scale"></span><span>+1</span></div>`
      : html`<div class="legend" aria-hidden="true">
          <span class="legend-item"><i style=${{ background: CLASS_COLOURS[0] }}></i>${t("out.class0")}</span>
          <span class="legend-scale"></span>
          <span class="legend-item"><i style=${{ background: CLASS_COLOURS[1] }}></i>${t("out.class1")}</span>
        </div>`}
  </div>`;
}
