// What the data looks like when there is no input plane to draw a boundary on: thumbnails of
// training images with their labels, a few input/target sequences as line plots, or the first rows
// of an uploaded table. The samples come from GET /data (the first few of each split). Every
// sample is a button: pressing it makes it the probe that the probe views show (marked here).
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import * as S from "../state.js";
import { t, formatInt } from "../i18n.js";
import { className, drawImage } from "../datasets.js";
import { setProbe } from "../actions.js";

/** Whether sample `index` of `split` is the probe. */
function isProbe(split, index) {
  const probe = S.probe.value;
  return probe.split === split && probe.index === index;
}

function pickLabel(split, index, what) {
  return t("probe.pick", { what, n: index + 1, split: t(`probe.split.${split}`) });
}

const INPUT_COLOUR = "#0877bd";
const TARGET_COLOUR = "#f59322";

function ImageThumb({ values, shape, label, split, index }) {
  const ref = useRef(null);
  useEffect(() => {
    drawImage(ref.current, values, shape);
  }, [values, shape]);
  const chosen = isProbe(split, index);
  return html`<button type="button" class=${`sample ${chosen ? "is-probe" : ""}`} data-testid="sample"
    data-index=${index} aria-pressed=${chosen ? "true" : "false"} title=${pickLabel(split, index, label)}
    onClick=${() => setProbe(split, index)}>
    <canvas ref=${ref} class="sample-image" aria-hidden="true"></canvas>
    <span class="sample-caption" data-testid="sample-label">${label}</span>
  </button>`;
}

function ImageGrid({ data, split }) {
  const shape = data.sample_shape;
  const samples = data[split];
  const n = Math.min(samples.x.length, 32);
  return html`<div class="sample-grid" data-testid="sample-grid" data-split=${split}>
    ${Array.from({ length: n }, (_, i) => html`<${ImageThumb} key=${`${split}${i}`} values=${samples.x[i]} shape=${shape}
      split=${split} index=${i} label=${className(data.class_names, Math.round(samples.y[i][0]))} />`)}
  </div>`;
}

/** One sequence: the input (solid) and the target (dashed), or for one-number targets a marker. */
function SequencePlot({ x, y, sampleShape, targetShape, index, split }) {
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
  const chosen = isProbe(split, index);
  return html`<button type="button" class=${`sequence-pick ${chosen ? "is-probe" : ""}`} data-testid="sample"
    data-index=${index} aria-pressed=${chosen ? "true" : "false"} onClick=${() => setProbe(split, index)}
    title=${pickLabel(split, index, t("samples.sequenceLabel", { n: index + 1 }))}>
    <canvas ref=${ref} class="sequence-plot" role="img" aria-label=${t("samples.sequenceLabel", { n: index + 1 })}></canvas>
  </button>`;
}

function SequenceList({ data, split }) {
  const samples = data[split];
  const n = Math.min(samples.x.length, 4);
  return html`<div class="sequence-list" data-testid="sample-grid" data-split=${split}>
    <div class="chart-legend">
      <span><i class="swatch" style=${{ background: INPUT_COLOUR }}></i>${t("samples.input")}</span>
      <span><i class="swatch dashed" style=${{ borderColor: TARGET_COLOUR }}></i>${t("samples.target")}</span>
    </div>
    ${Array.from({ length: n }, (_, i) => html`<${SequencePlot} key=${`${split}${i}`} index=${i} split=${split}
      x=${samples.x[i]} y=${samples.y[i]} sampleShape=${data.sample_shape} targetShape=${data.target_shape} />`)}
  </div>`;
}

function Table({ data, split }) {
  const samples = data[split];
  const n = Math.min(samples.x.length, 8);
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
        ${Array.from({ length: n }, (_, r) => {
          const chosen = isProbe(split, r);
          // A row is picked with a click, or Enter/Space when focused (rows are not buttons).
          const onKey = (e) => {
            if (e.key !== "Enter" && e.key !== " ") return;
            e.preventDefault();
            setProbe(split, r);
          };
          return html`<tr data-testid="sample" data-index=${r} tabindex="0" class=${chosen ? "is-probe" : ""}
            aria-selected=${chosen ? "true" : "false"} onClick=${() => setProbe(split, r)} onKeyDown=${onKey}>
            ${Array.from({ length: shown }, (_, c) => html`<td>${fmt(samples.x[r][c])}</td>`)}
            ${columns > shown ? html`<td>…</td>` : null}
            <td class="label-col">${samples.y[r][0]}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

/** Training or validation samples: which split the grid shows. */
function SplitSwitch({ split, onChange, validation }) {
  return html`<span class="segmented small" role="group" aria-label=${t("samples.split")}>
    ${["train", "validation"].map((s) => html`<button type="button" class=${split === s ? "on" : ""}
      aria-pressed=${split === s ? "true" : "false"} data-testid=${`samples-${s}`}
      disabled=${s === "validation" && !validation} onClick=${() => onChange(s)}>${t(`probe.split.${s}`)}</button>`)}
  </span>`;
}

export function SampleView({ kind }) {
  const state = S.session.value;
  const data = S.points.value;
  const fresh = data && state && data.key === JSON.stringify(state.dataset) && data.kind !== "points";
  const [chosenSplit, setSplit] = useState(null);
  const hasValidation = Boolean(fresh && data.validation && data.validation.x.length);
  const split = hasValidation ? chosenSplit || S.probe.value.split : "train";
  let body;
  if (!fresh) body = html`<div class="samples-empty">${t("samples.loading")}</div>`;
  else if (kind === "image") body = html`<${ImageGrid} data=${data} split=${split} />`;
  else if (kind === "sequence") body = html`<${SequenceList} data=${data} split=${split} />`;
  else body = html`<${Table} data=${data} split=${split} />`;
  const limit = kind === "image" ? 32 : kind === "sequence" ? 4 : 8;
  return html`<div class="samples" data-testid="samples">
    <div class="section-head">
      <h2 class="section-title">${t("samples.title")}</h2>
      ${fresh
        ? html`<span class="hint">${t("samples.countOf", { n: formatInt(Math.min(data[split].x.length, limit)), total: formatInt(data[split].total) })}</span>`
        : null}
    </div>
    ${fresh ? html`<${SplitSwitch} split=${split} onChange=${setSplit} validation=${hasValidation} />` : null}
    ${body}
    <p class="hint">${t(`samples.hint.${kind}`)} ${t("samples.pickHint")}</p>
  </div>`;
}
