// The network as a column of labelled blocks, for data without an input plane (images, sequences,
// tables) and for layers the neuron graph cannot draw (conv, pooling, flatten, recurrent): every
// block names its layer and settings, draws its output shape as a small glyph and prints it, and
// paints every parameter when "weights" frames arrive (conv filters as small tiles, one row per
// input channel; dense W and the RNN's W_x and W_h as heatmaps; batch norm's gamma and beta as a
// strip of cells), and on a dropout block the units the last training step dropped, grey (live/dropout_mask.js).
// Preact renders the blocks; the weight and mask canvases are painted in frame.js's loop.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import * as S from "../state.js";
import { t, tOr, formatInt } from "../i18n.js";
import { paintValues } from "../heatmap.js";
import { useWatchedView } from "../live_views.js";
import { maskOf, paintMask } from "./live/dropout_mask.js";
import { activationLabel, choiceLabel } from "../catalog_labels.js";
import { paintUnits } from "../probe_draw.js";
import { BlockPhase } from "../stepping/block_marks.js";
import { paintedParams } from "../layer_params.js";

import { KernelEditor } from "../editing/kernel_editor.js";

/** Conv kernels: at most this many filters (columns) and input channels (rows) are painted. */
const MAX_FILTERS = 16;
const MAX_IN_CHANNELS = 8;

const units = (n) => (n === 1 ? t("block.unit") : t("block.units", { n }));

/** One line describing a layer's settings. */
function settingsText(layer) {
  const act = layer.activation && layer.activation !== "linear" ? ` · ${activationLabel(layer.activation)}` : "";
  switch (layer.type) {
    case "conv2d": {
      const k = layer.kernel_size ?? 3;
      const stride = (layer.stride ?? 1) !== 1 ? ` · ${t("block.stride", { n: layer.stride })}` : "";
      return `${t("block.filters", { n: layer.filters ?? "?" })} ${k}×${k} · ${choiceLabel("padding", layer.padding ?? "valid")}${stride}${act}`;
    }
    case "max_pool2d":
    case "avg_pool2d": {
      const p = layer.pool_size ?? 2;
      return `${p}×${p}${layer.stride && layer.stride !== p ? ` · ${t("block.stride", { n: layer.stride })}` : ""}`;
    }
    case "dense":
      return `${units(layer.units)}${act}`;
    case "simple_rnn":
      return `${units(layer.units)}${act} · ${layer.return_sequences ? t("block.allSteps") : t("block.lastStep")}`;
    case "dropout":
      return t("block.rate", { n: layer.rate });
    case "activation":
      return layer.activation;
    case "flatten":
      return t("block.flatten");
    default:
      return "";
  }
}

/** A small drawing of a tensor's shape (without the batch axis). */
function ShapeGlyph({ shape }) {
  if (shape.length === 3) {
    const [c, h] = shape;
    const n = Math.min(c, 6);
    const side = Math.max(12, Math.min(36, h * 1.4));
    const step = 4;
    const size = side + step * (n - 1);
    return html`<svg class="glyph" width=${size + 2} height=${size + 2} aria-hidden="true">
      ${Array.from({ length: n }, (_, i) => html`<rect x=${1 + step * (n - 1 - i)} y=${1 + step * i} width=${side} height=${side}
        rx="2" class="glyph-map" />`)}
    </svg>`;
  }
  if (shape.length === 2) {
    const [steps, features] = shape;
    const n = Math.min(steps, 14);
    const cellH = Math.max(6, Math.min(18, features * 3));
    return html`<svg class="glyph" width=${n * 7 + (steps > n ? 10 : 0) + 2} height=${cellH + 2} aria-hidden="true">
      ${Array.from({ length: n }, (_, i) => html`<rect x=${1 + i * 7} y="1" width="5" height=${cellH} rx="1" class="glyph-step" />`)}
      ${steps > n ? html`<text x=${n * 7 + 2} y=${cellH} class="glyph-more">…</text>` : null}
    </svg>`;
  }
  const units = shape[0] || 1;
  const n = Math.min(units, 16);
  return html`<svg class="glyph" width=${n * 6 + (units > n ? 10 : 0) + 2} height="10" aria-hidden="true">
    ${Array.from({ length: n }, (_, i) => html`<circle cx=${4 + i * 6} cy="5" r="2.4" class="glyph-unit" />`)}
    ${units > n ? html`<text x=${n * 6 + 3} y="9" class="glyph-more">…</text>` : null}
  </svg>`;
}

const shapeText = (shape) => `(${shape.join(", ")})`;

function inputText(shape) {
  if (shape.length === 3) return t("block.inputImage", { c: shape[0], h: shape[1], w: shape[2] });
  if (shape.length === 2) return t("block.inputSequence", { t: shape[0], f: shape[1] });
  return t("block.inputTable", { n: shape[0] });
}

/** Paint the weights of layer `index` into `canvas`: conv filters as tiles, dense W as a heatmap. */
function paintWeights(canvas, slot) {
  const shape = slot.header.shape;
  const data = slot.data;
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]);
    if (a > max && Number.isFinite(a)) max = a;
  }
  max = max || 1;
  const ctx = canvas.getContext("2d");
  if (shape.length === 1) {
    // gamma or beta: one cell per channel.
    paintUnits(canvas, data, { perRow: 32, cell: 6, max });
    return true;
  }
  if (shape.length === 4) {
    // (out, in, kh, kw): one column per filter, one row per input channel it reads.
    const [out, inCh, kh, kw] = shape;
    const n = Math.min(out, MAX_FILTERS);
    const rows = Math.min(inCh, MAX_IN_CHANNELS);
    const tile = Math.max(8, Math.min(22, Math.floor(200 / n) - 3));
    canvas.width = n * (tile + 3);
    canvas.height = rows * (tile + 3) - 3;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const off = document.createElement("canvas");
    off.width = kw;
    off.height = kh;
    const octx = off.getContext("2d");
    const image = octx.createImageData(kw, kh);
    const values = new Float32Array(kh * kw);
    ctx.imageSmoothingEnabled = false;
    for (let f = 0; f < n; f++) {
      for (let c = 0; c < rows; c++) {
        const at = (f * inCh + c) * kh * kw;
        values.set(data.subarray(at, at + kh * kw));
        paintValues(image, padSquare(values, kh, kw), 0, Math.max(kh, kw), -max, max);
        octx.putImageData(image, 0, 0);
        ctx.drawImage(off, f * (tile + 3), c * (tile + 3), tile, tile);
      }
    }
    return true;
  }
  if (shape.length === 2) {
    // (in, out): one column per input, one row per output unit, squeezed to fit.
    const [inputs, outs] = shape;
    const cols = Math.min(inputs, 200);
    const rows = Math.min(outs, 32);
    const off = document.createElement("canvas");
    off.width = cols;
    off.height = rows;
    const octx = off.getContext("2d");
    const image = octx.createImageData(cols, rows);
    const px = image.data;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = Math.floor((c * inputs) / cols);
        const v = data[i * outs + r] / max;
        const o = (r * cols + c) * 4;
        const rgb = colourRgb(v);
        px[o] = rgb[0];
        px[o + 1] = rgb[1];
        px[o + 2] = rgb[2];
        px[o + 3] = 255;
      }
    }
    octx.putImageData(image, 0, 0);
    canvas.width = 200;
    canvas.height = Math.max(8, Math.min(40, rows * 4));
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
    return true;
  }
  return false;
}

/** kh×kw values into a square array (paintValues paints squares). */
function padSquare(values, kh, kw) {
  if (kh === kw) return values;
  const s = Math.max(kh, kw);
  const out = new Float32Array(s * s).fill(NaN);
  for (let r = 0; r < kh; r++) for (let c = 0; c < kw; c++) out[r * s + c] = values[r * kw + c];
  return out;
}

const ORANGE = [245, 147, 34];
const MIDDLE = [232, 234, 235];
const BLUE = [8, 119, 189];
function colourRgb(v) {
  if (!Number.isFinite(v)) return [150, 150, 150];
  const x = Math.max(-1, Math.min(1, v));
  const to = x < 0 ? ORANGE : BLUE;
  const f = Math.abs(x);
  return [0, 1, 2].map((k) => Math.round(MIDDLE[k] + (to[k] - MIDDLE[k]) * f));
}

export function BlockGraph() {
  const rootRef = useRef(null);
  const state = S.session.value;
  const catalog = S.catalog.value;
  useWatchedView("weights");
  useWatchedView("dropout_mask");
  const key = state ? JSON.stringify([state.generation, state.model, state.layers.map((l) => l.output_shape)]) : "";

  useEffect(() => {
    const root = rootRef.current;
    if (!root || !state) return undefined;
    const drawn = new Map();
    let frames = 0;
    return S.frames.onFrame(() => {
      const current = S.session.peek();
      if (!current || S.tensors.generation !== current.generation) return;
      let drew = false;
      for (const canvas of root.querySelectorAll("canvas[data-layer]")) {
        const slot = S.tensorSlot("weights", Number(canvas.dataset.layer), canvas.dataset.param);
        if (!slot || drawn.get(canvas) === slot.seq) continue;
        drawn.set(canvas, slot.seq);
        if (paintWeights(canvas, slot)) {
          canvas.hidden = false;
          drew = true;
        }
      }
      for (const canvas of root.querySelectorAll("canvas[data-mask-layer]")) {
        const layer = Number(canvas.dataset.maskLayer);
        const mask = maskOf(layer);
        if (!mask || drawn.get(canvas) === mask.seq) continue;
        drawn.set(canvas, mask.seq);
        paintMask(canvas, mask);
        canvas.hidden = false;
        const count = root.querySelector(`[data-mask-count="${layer}"]`);
        if (count) count.textContent = t("dropout.dropped", { n: mask.dropped, total: mask.data.length });
        drew = true;
      }
      if (drew) root.dataset.frames = String(++frames);
    });
  }, [key]);

  if (!state || !catalog) return null;
  const layers = state.model.layers;
  const count = layers.length;
  return html`<div class="panel-body graph-panel">
    <div class="section-head">
      <h2 class="section-title">${t("graph.layersTitle")}</h2>
    </div>
    <ol class="block-graph" ref=${rootRef} data-testid="network-graph" data-frames="0" aria-label=${t("graph.layersTitle")}>
      <li class="block block-input" data-testid="layer-block" data-type="input">
        <div class="block-head"><strong>${t("net.input")}</strong><span class="block-settings">${inputText(state.model.input_shape)}</span></div>
        <div class="block-shape"><${ShapeGlyph} shape=${state.model.input_shape} /><code>${shapeText(state.model.input_shape)}</code></div>
      </li>
      ${layers.map((layer, i) => {
        const summary = state.layers[i];
        const title = i === count - 1 ? t("net.output") : t("net.hidden", { n: i + 1 });
        const params = paintedParams(catalog, layer.type);
        return html`<li class=${`block type-${layer.type}`} data-testid="layer-block" data-type=${layer.type} key=${i}>
          <div class="block-arrow" aria-hidden="true"></div>
          <div class="block-head">
            <span class=${`layer-chip chip-${layer.type}`} aria-hidden="true"></span>
            <strong>${tOr(`layer.${layer.type}`, layer.type)}</strong>
            <span class="block-role">${title}</span>
          </div>
          <div class="block-settings">${settingsText(layer)}</div>
          ${params.map((param) => html`<div class="block-param">
            ${params.length > 1 ? html`<code class="block-param-name">${param}</code>` : null}
            <canvas class="block-weights" data-layer=${i} data-param=${param} data-testid="block-weights" hidden
              title=${layer.type === "conv2d" ? t("block.filtersHint") : t("block.weightsHint")}></canvas>
          </div>`)}
          ${layer.type === "conv2d" ? html`<${KernelEditor} layer=${i} />` : null}
          ${layer.type === "dropout"
            ? html`<canvas class="block-mask" data-mask-layer=${i} data-testid="dropout-mask" hidden title=${t("dropout.hint")}></canvas>
                <span class="hint" data-mask-count=${i} data-testid="dropout-count"></span>`
            : null}
          ${summary
            ? html`<div class="block-shape">
                <${ShapeGlyph} shape=${summary.output_shape} />
                <code data-testid="block-shape">${shapeText(summary.output_shape)}</code>
                <span class="params">${t("net.params", { n: formatInt(summary.param_count) })}</span>
              </div>`
            : null}
          <${BlockPhase} index=${i} />
        </li>`;
      })}
    </ol>
    <p class="hint graph-hint">${t("graph.layersHint")}</p>
  </div>`;
}
