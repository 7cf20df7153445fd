// A convolution layer's kernels as an editable grid (on its block in the layer diagram): pick a
// filter (output channel) and one of the input channels it reads, type any cell (Enter or leaving
// the cell sets it), or apply a preset (kernel_presets.js). A preset replaces the chosen filter's
// kernel in every input channel at once (one PATCH of the whole W, so the optimizer state of this
// layer's W starts afresh, as the server documents for whole-parameter edits); the other filters
// keep their values. Beside the grid: that filter's feature map for the probe sample, with its
// range, so the effect of an edit is seen at once (the probe view's records, watched while open).
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import * as S from "../state.js";
import { t } from "../i18n.js";
import { colourOf } from "../heatmap.js";
import { useWatchedView } from "../live_views.js";
import { paramValues, setEntry, setWhole, nested } from "./param_edits.js";
import { formatValue } from "./graph_edits.js";
import { PRESETS } from "./kernel_presets.js";

/** Re-render the calling component whenever a new record of one of `keys` arrived. */
function useSlotVersion(keys) {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const seen = new Map();
    return S.frames.onFrame(() => {
      let changed = false;
      for (const [name, layer, param] of keys) {
        const slot = S.tensorSlot(name, layer, param);
        const seq = slot ? slot.seq : -1;
        if (seen.get(`${name}/${layer}/${param}`) !== seq) {
          seen.set(`${name}/${layer}/${param}`, seq);
          changed = true;
        }
      }
      if (changed) setVersion((v) => v + 1);
    });
  }, [JSON.stringify(keys)]);
}

/** Paint channel `c` of a (C, H, W) map into `canvas` on a symmetric colour scale; its [min, max]. */
function paintMap(canvas, slot, c) {
  const [, h, w] = slot.header.shape;
  const from = c * h * w;
  const values = slot.data.subarray(from, from + h * w);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  for (let r = 0; r < h; r++) {
    for (let k = 0; k < w; k++) {
      ctx.fillStyle = colourOf(values[r * w + k] / scale);
      ctx.fillRect(k, r, 1, 1);
    }
  }
  canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
  return [lo, hi];
}

/** `seq`: the record's, so that a new one re-renders this (signals' components skip equal props). */
function FeatureMap({ layer, filter, seq }) {
  const ref = useRef(null);
  const [range, setRange] = useState(null);
  const slot = S.tensorSlot("activation", layer);
  const usable = slot && slot.header.shape.length === 3 && filter < slot.header.shape[0];
  useEffect(() => {
    if (usable && ref.current) setRange(paintMap(ref.current, slot, filter));
  }, [usable ? seq : -1, filter]);
  if (!usable) return html`<div class="kernel-map"><span class="hint">${t("kernel.mapWaiting")}</span></div>`;
  return html`<div class="kernel-map">
    <span>${t("kernel.map", { n: filter + 1 })}</span>
    <canvas ref=${ref} data-testid="kernel-map"></canvas>
    <span data-testid="kernel-map-range">${range ? t("kernel.range", { lo: formatValue(range[0]), hi: formatValue(range[1]) }) : ""}</span>
  </div>`;
}

function Cell({ layer, index, value, disabled, label }) {
  const shown = value === null ? "" : String(Number(value.toFixed(3)));
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  const commit = () => {
    const v = Number(text);
    if (text.trim() === "" || !Number.isFinite(v)) setText(shown);
    else if (v !== value) setEntry(layer, "W", index, v);
  };
  const dark = value !== null && Math.abs(value) > 0.6;
  return html`<input class=${`kernel-cell ${dark ? "dark" : ""}`} type="number" step="any" value=${text}
    disabled=${disabled} data-testid="kernel-cell" aria-label=${label}
    style=${{ background: value === null ? undefined : colourOf(value) }}
    onInput=${(e) => setText(e.currentTarget.value)} onChange=${commit}
    onKeyDown=${(e) => e.key === "Enter" && commit()} />`;
}

function Editor({ layer }) {
  const [filter, setFilter] = useState(0);
  const [channel, setChannel] = useState(0);
  useWatchedView("probe"); // the feature maps of the probe
  useSlotVersion([["weights", layer, "W"], ["activation", layer, null]]);
  const readOnly = S.readOnly.value;
  const error = S.editError.value;
  const values = paramValues(layer, "W");
  if (!values || values.shape.length !== 4) return html`<p class="hint">${t("kernel.waiting")}</p>`;
  const [out, inCh, kh, kw] = values.shape;
  const f = Math.min(filter, out - 1);
  const c = Math.min(channel, inCh - 1);
  const at = (r, k) => ((f * inCh + c) * kh + r) * kw + k;
  const applyPreset = (make) => {
    const kernel = make(kh, kw).flat();
    const data = Float32Array.from(values.data);
    for (let ch = 0; ch < inCh; ch++) data.set(kernel, (f * inCh + ch) * kh * kw);
    setWhole(layer, "W", nested(values.shape, data));
  };
  return html`<div class="kernel-editor" data-testid="kernel-editor" role="group" aria-label=${t("kernel.title", { n: layer + 1 })}>
    <div class="kernel-pickers">
      <label>${t("kernel.filter")}
        <select value=${f} data-testid="kernel-filter" onChange=${(e) => setFilter(Number(e.currentTarget.value))}>
          ${Array.from({ length: out }, (_, i) => html`<option value=${i}>${i + 1}</option>`)}
        </select>
      </label>
      ${inCh > 1
        ? html`<label>${t("kernel.channel")}
            <select value=${c} data-testid="kernel-channel" onChange=${(e) => setChannel(Number(e.currentTarget.value))}>
              ${Array.from({ length: inCh }, (_, i) => html`<option value=${i}>${i + 1}</option>`)}
            </select>
          </label>`
        : null}
    </div>
    <div class="kernel-body">
      <div class="kernel-grid" style=${{ gridTemplateColumns: `repeat(${kw}, auto)` }}>
        ${Array.from({ length: kh * kw }, (_, i) => {
          const r = Math.floor(i / kw);
          const k = i % kw;
          return html`<${Cell} key=${`${f}/${c}/${i}`} layer=${layer} index=${[f, c, r, k]} value=${values.data[at(r, k)]}
            disabled=${readOnly} label=${t("kernel.cell", { f: f + 1, c: c + 1, r: r + 1, k: k + 1 })} />`;
        })}
      </div>
      <${FeatureMap} layer=${layer} filter=${f} seq=${S.tensorSlot("activation", layer)?.seq ?? -1} />
    </div>
    ${readOnly
      ? html`<p class="hint" data-testid="view-only-note">${t("edit.viewOnly")}</p>`
      : html`<div class="kernel-presets" role="group" aria-label=${t("kernel.presets")}>
          ${PRESETS.map((p) => html`<button class="btn btn-small btn-ghost" data-testid=${`preset-${p.name}`}
            onClick=${() => applyPreset(p.make)}>${t(`kernel.preset.${p.name}`)}</button>`)}
        </div>
        <p class="hint">${inCh > 1 ? t("kernel.presetHintChannels") : t("kernel.presetHint")}</p>`}
    ${error ? html`<p class="value-error" role="alert" data-testid="edit-error">${error.message}</p>` : null}
  </div>`;
}

/** The "edit kernels" toggle of a conv block, and the editor under it while open. */
export function KernelEditor({ layer }) {
  const [open, setOpen] = useState(false);
  return html`<div class="kernel-edit">
    <button class="btn btn-small btn-ghost" data-testid="kernel-edit-toggle" aria-expanded=${open ? "true" : "false"}
      onClick=${() => setOpen(!open)}>${open ? t("kernel.close") : t("kernel.open")}</button>
    ${open ? html`<${Editor} layer=${layer} />` : null}
  </div>`;
}
