// What the data looks like when there is no input plane to draw a boundary on: thumbnails of
// training images with their labels, a few input/target sequences as line plots, or the first rows
// of an uploaded table. The samples come from GET /data (the first few of each split).
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import * as S from "../state.js";
import { t, formatInt } from "../i18n.js";
import { entryOf, className, drawImage } from "../datasets.js";

const INPUT_COLOUR = "#0877bd";
const TARGET_COLOUR = "#f59322";

function ImageThumb({ values, shape, label }) {
  const ref = useRef(null);
  useEffect(() => {
    drawImage(ref.current, values, shape);
  }, [values, shape]);
  return html`<figure class="sample" data-testid="sample">
    <canvas ref=${ref} class="sample-image" role="img" aria-label=${label}></canvas>
    <figcaption data-testid="sample-label">${label}</figcaption>
  </figure>`;
}

function ImageGrid({ data, entry }) {
  const shape = data.sample_shape;
  const n = Math.min(data.train.x.length, 32);
  return html`<div class="sample-grid" data-testid="sample-grid">
    ${Array.from({ length: n }, (_, i) => html`<${ImageThumb} key=${i} values=${data.train.x[i]} shape=${shape}
      label=${className(entry, Math.round(data.train.y[i][0]))} />`)}
  </div>`;
}

/** One sequence: the input (solid) and the target (dashed), or for one-number targets a marker. */
function SequencePlot({ x, y, sampleShape, targetShape, index }) {
  const ref = useRef(null);
  useEffect(() => {
    const canvas = ref.current;
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(200, canvas.clientWidth);
    const height = 64;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    const ctx = canvas.getContext("2d");
    ctx.scale(dpr, dpr);
    ctx.clearRect(0, 0, width, height);
    const [steps, features] = sampleShape;
    const seqTarget = targetShape.length === 2;
    const input = Array.from({ length: steps }, (_, s) => x[s * features]);
    const marks = features > 1 ? Array.from({ length: steps }, (_, s) => x[s * features + 1]) : null;
    const target = seqTarget ? Array.from({ length: steps }, (_, s) => y[s * targetShape[1]]) : null;
    const all = input.concat(target || [], seqTarget ? [] : [y[0]]).filter(Number.isFinite);
    let lo = Math.min(...all, 0);
    let hi = Math.max(...all, 0);
    if (hi - lo < 1e-6) hi = lo + 1;
    const pad = 6;
    const px = (s) => pad + (s / Math.max(1, steps - 1)) * (width - 2 * pad - (seqTarget ? 0 : 40));
    const py = (v) => pad + (1 - (v - lo) / (hi - lo)) * (height - 2 * pad);
    ctx.strokeStyle = "rgba(0,0,0,0.12)";
    ctx.beginPath();
    ctx.moveTo(pad, py(0));
    ctx.lineTo(width - pad, py(0));
    ctx.stroke();
    const line = (values, colour, dash) => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.8;
      ctx.setLineDash(dash);
      ctx.beginPath();
      values.forEach((v, s) => (s ? ctx.lineTo(px(s), py(v)) : ctx.moveTo(px(s), py(v))));
      ctx.stroke();
      ctx.setLineDash([]);
    };
    if (marks) {
      // The adding problem: values as bars, the two marked ones highlighted.
      input.forEach((v, s) => {
        ctx.fillStyle = marks[s] > 0.5 ? INPUT_COLOUR : "rgba(8,119,189,0.25)";
        ctx.fillRect(px(s) - 2.5, py(v), 5, py(0) - py(v));
      });
    } else {
      line(input, INPUT_COLOUR, []);
    }
    if (target) line(target, TARGET_COLOUR, [4, 3]);
    else {
      ctx.fillStyle = TARGET_COLOUR;
      ctx.fillRect(width - pad - 30, py(y[0]), 24, py(0) - py(y[0]));
      ctx.font = "11px system-ui, sans-serif";
      ctx.fillStyle = "#52606d";
      ctx.fillText(y[0].toFixed(2), width - pad - 32, Math.min(height - 2, py(y[0]) - 3 > 10 ? py(y[0]) - 3 : 11));
    }
  }, [x, y]);
  return html`<canvas ref=${ref} class="sequence-plot" data-testid="sample" role="img"
    aria-label=${t("samples.sequenceLabel", { n: index + 1 })}></canvas>`;
}

function SequenceList({ data }) {
  const n = Math.min(data.train.x.length, 4);
  return html`<div class="sequence-list" data-testid="sample-grid">
    <div class="chart-legend">
      <span><i class="swatch" style=${{ background: INPUT_COLOUR }}></i>${t("samples.input")}</span>
      <span><i class="swatch dashed" style=${{ borderColor: TARGET_COLOUR }}></i>${t("samples.target")}</span>
    </div>
    ${Array.from({ length: n }, (_, i) => html`<${SequencePlot} key=${i} index=${i} x=${data.train.x[i]} y=${data.train.y[i]}
      sampleShape=${data.sample_shape} targetShape=${data.target_shape} />`)}
  </div>`;
}

function Table({ data }) {
  const n = Math.min(data.train.x.length, 8);
  const columns = data.sample_shape[0] || 0;
  const shown = Math.min(columns, 5);
  const fmt = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
  return html`<div class="sample-table-wrap" data-testid="sample-grid">
    <table class="sample-table">
      <thead><tr>
        ${Array.from({ length: shown }, (_, c) => html`<th scope="col">x${c + 1}</th>`)}
        ${columns > shown ? html`<th scope="col">…</th>` : null}
        <th scope="col" class="label-col">${t("samples.label")}</th>
      </tr></thead>
      <tbody>
        ${Array.from({ length: n }, (_, r) => html`<tr data-testid="sample">
          ${Array.from({ length: shown }, (_, c) => html`<td>${fmt(data.train.x[r][c])}</td>`)}
          ${columns > shown ? html`<td>…</td>` : null}
          <td class="label-col">${data.train.y[r][0]}</td>
        </tr>`)}
      </tbody>
    </table>
  </div>`;
}

export function SampleView({ kind }) {
  const state = S.session.value;
  const data = S.points.value;
  const entry = state ? entryOf(S.catalog.value, state.dataset.name) : null;
  const fresh = data && state && data.key === JSON.stringify(state.dataset) && data.kind !== "points";
  let body;
  if (!fresh) body = html`<div class="samples-empty">${t("samples.loading")}</div>`;
  else if (kind === "image") body = html`<${ImageGrid} data=${data} entry=${entry} />`;
  else if (kind === "sequence") body = html`<${SequenceList} data=${data} />`;
  else body = html`<${Table} data=${data} />`;
  return html`<div class="samples" data-testid="samples">
    <div class="section-head">
      <h2 class="section-title">${t("samples.title")}</h2>
      ${fresh
        ? html`<span class="hint">${t("samples.count", { n: formatInt(Math.min(data.train.x.length, kind === "image" ? 32 : kind === "sequence" ? 4 : 8)), total: formatInt(data.train.total) })}</span>`
        : null}
    </div>
    ${body}
    <p class="hint">${t(`samples.hint.${kind}`)}</p>
  </div>`;
}
