// View "rnn_states": each recurrent layer unrolled over time. A heatmap of the hidden state h_t of
// every unit (rows) at every time step (columns) for the probe sequence, and under it ‖dL/dh_t‖
// per time step of the last training step on a log scale: backpropagation through time, where the
// gradient fades towards the early steps. A cell of the heatmap opens that unit at that time step in
// the unit inspector: a click, or the arrow keys on the focused heatmap and Enter.
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import * as S from "../../state.js";
import { t, lang } from "../../i18n.js";
import { paintValues, domainOf } from "../../heatmap.js";
import { viewLayers } from "../../live_views.js";
import { ProbePicker } from "../probe_picker.js";
import { inspectUnit } from "../../stepping/actions.js";
import { rnnShape } from "../inspector/rnn_math.js";

export const place = "tab";
export const usesProbe = true;
export const titleKey = "view.rnn_states";

const WIDTH = 380;

/** Paint (units, time) hidden states: one row per unit, one column per time step. */
function paintStates(canvas, slot, activation) {
  const [units, time] = slot.header.shape;
  const cell = Math.max(3, Math.min(18, Math.floor(WIDTH / time)));
  const rowH = Math.max(3, Math.min(14, Math.floor(220 / units)));
  const off = document.createElement("canvas");
  off.width = time;
  off.height = units;
  const octx = off.getContext("2d");
  const image = octx.createImageData(time, units);
  const [lo, hi] = domainOf(activation);
  const one = { data: new Uint8ClampedArray(4) };
  for (let u = 0; u < units; u++) {
    for (let s = 0; s < time; s++) {
      paintValues(one, slot.data, u * time + s, 1, lo, hi);
      image.data.set(one.data, (u * time + s) * 4);
    }
  }
  octx.putImageData(image, 0, 0);
  canvas.width = time * cell;
  canvas.height = units * rowH;
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
}

/** ‖dL/dh_t‖ per time step as bars on a log scale over four decades below the largest. */
function paintGradBars(canvas, slot) {
  const values = Array.from(slot.data);
  const time = values.length;
  const cell = Math.max(3, Math.min(18, Math.floor(WIDTH / time)));
  const height = 70;
  canvas.width = time * cell;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, height);
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  const max = finite.length ? Math.max(...finite) : 1;
  const floor = max / 1e4;
  for (let s = 0; s < time; s++) {
    const v = values[s];
    if (!Number.isFinite(v)) {
      ctx.fillStyle = "#c8372d";
      ctx.fillRect(s * cell + 1, 0, cell - 2, height);
      continue;
    }
    const f = v > floor ? Math.log10(v / floor) / 4 : 0;
    ctx.fillStyle = "#0877bd";
    ctx.fillRect(s * cell + 1, height - f * height, cell - 2, Math.max(1, f * height));
  }
  return { max, min: finite.length ? Math.min(...finite) : 0 };
}

function fmt(v) {
  return Number.isFinite(v) ? (v !== 0 && (Math.abs(v) < 0.01 || Math.abs(v) >= 1000) ? v.toExponential(2) : v.toPrecision(3)) : String(v);
}

/** Keys that move the heatmap's cursor: [units, steps]. */
const CURSOR_KEYS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

/**
 * The heatmap of layer `i` with its cursor: the cell the arrow keys moved to (outlined, named in
 * words), opened in the inspector by Enter; a click opens the cell under the pointer.
 */
function StatesMap({ state, i }) {
  const [cursor, setCursor] = useState(/** @type {{unit: number, step: number} | null} */ (null));
  const [steps, units] = rnnShape(state, i);
  const clamp = (v, n) => Math.max(0, Math.min(n - 1, v));
  const onClick = (e) => {
    const box = e.currentTarget.getBoundingClientRect();
    const unit = clamp(Math.floor(((e.clientY - box.top) / box.height) * units), units);
    const step = clamp(Math.floor(((e.clientX - box.left) / box.width) * steps), steps);
    setCursor({ unit, step });
    inspectUnit({ layer: i, unit, step });
  };
  const onKey = (e) => {
    if (e.key === "Enter" && cursor) {
      e.preventDefault();
      inspectUnit({ layer: i, ...cursor });
      return;
    }
    const move = CURSOR_KEYS[e.key];
    if (!move || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    // The first press picks the last step of unit 1 (where the inspector opens by default).
    setCursor(cursor ? { unit: clamp(cursor.unit + move[0], units), step: clamp(cursor.step + move[1], steps) } : { unit: 0, step: steps - 1 });
  };
  return html`<div class="rnn-map-col"><div class="rnn-map">
      <canvas class="rnn-canvas" data-rnn="states" data-layer=${i} data-testid="rnn-heatmap" hidden tabIndex="0"
        aria-label=${t("rnn.pickLabel", { n: i + 1 })} onClick=${onClick} onKeyDown=${onKey}></canvas>
      ${cursor
        ? html`<div class="rnn-cursor" aria-hidden="true" style=${{
            left: `${(cursor.step / steps) * 100}%`, top: `${(cursor.unit / units) * 100}%`,
            width: `${100 / steps}%`, height: `${100 / units}%` }}></div>`
        : null}
    </div>
    <span class="hint rnn-cursor-text" aria-live="polite" data-testid="rnn-cursor">${cursor
      ? t("rnn.cursor", { u: cursor.unit + 1, t: cursor.step + 1 })
      : ""}</span></div>`;
}

export function Panel() {
  const rootRef = useRef(null);
  const state = S.session.value;
  const loaded = S.viewModules.value.get("rnn_states");
  const layers = state && loaded ? viewLayers(loaded.entry, state) : [];
  const language = lang.value;
  const probe = S.probe.value;
  const key = state ? JSON.stringify([state.generation, state.model, language, probe]) : "";

  useEffect(() => {
    const root = rootRef.current;
    if (!root || !state) return undefined;
    const drawn = new Map();
    let frames = 0;
    return S.frames.onFrame(() => {
      const current = S.session.peek();
      if (!current || S.tensors.generation !== current.generation) return;
      const wanted = S.probe.peek();
      let drew = false;
      for (const canvas of root.querySelectorAll("canvas[data-rnn]")) {
        const layer = Number(canvas.dataset.layer);
        const states = canvas.dataset.rnn === "states";
        const slot = S.tensorSlot(states ? "hidden_states" : "hidden_grad_norms", layer);
        if (!slot || drawn.get(canvas) === slot.seq) continue;
        const p = slot.header.probe;
        if (states && p && (p.split !== wanted.split || p.index !== wanted.index)) continue; // an earlier probe's
        drawn.set(canvas, slot.seq);
        if (states) paintStates(canvas, slot, current.model.layers[layer].activation || "tanh");
        else {
          const { max, min } = paintGradBars(canvas, slot);
          const range = root.querySelector(`[data-rnn-range="${layer}"]`);
          if (range) range.textContent = t("rnn.logRange", { min: fmt(min), max: fmt(max) });
        }
        canvas.hidden = false;
        canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
        drew = true;
      }
      if (drew) root.dataset.frames = String(++frames);
    });
  }, [key]);

  if (!state) return null;
  return html`<div class="panel-body rnn-panel" ref=${rootRef} data-testid="rnn-view" data-frames="0">
    <${ProbePicker} />
    ${layers.map((i) => html`<section class="rnn-layer" key=${i} data-layer=${i}>
      <h3 class="sub-title">${t("rnn.title", { n: i + 1 })}</h3>
      <div class="rnn-axes">
        <span class="axis-label axis-y">${t("rnn.units")}</span>
        <${StatesMap} state=${state} i=${i} />
      </div>
      <span class="axis-label">${t("rnn.time")} →</span>
      <p class="hint">${t("rnn.hint")}</p>
      <h3 class="sub-title">${t("rnn.grad")}</h3>
      <canvas class="rnn-canvas" data-rnn="grads" data-layer=${i} data-testid="rnn-grads" hidden></canvas>
      <code class="hint" data-rnn-range=${i}></code>
      <p class="hint">${t("rnn.gradHint")}</p>
    </section>`)}
    ${layers.length ? null : html`<p class="hint">${t("rnn.waiting")}</p>`}
  </div>`;
}
