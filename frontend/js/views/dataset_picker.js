// The dataset picker: every dataset of the catalog as a small drawn preview, grouped by kind
// (2-D points, images, sequences), and "your data" (upload a CSV or a zip of images).
// The previews draw the catalog's samples of each set (data/previews.py: its own generator with a
// fixed seed), so a new dataset shows its own picture; the session's samples are in the output column.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import * as S from "../state.js";
import { changeDataset, openDialog } from "../actions.js";
import { t, tOr } from "../i18n.js";
import { KINDS, drawImage } from "../datasets.js";
import { CLASS_COLOURS, colourOf } from "../heatmap.js";
import { UploadIcon } from "./icons.js";

/** The plane's half-width the 2-D sets are drawn over (the points panel's, [-6, 6]). */
const HALF = 6;

/** A 2-D set's preview points (x1, x2, target): coloured by class, or by value for regression. */
function drawPoints(ctx, size, points, regression) {
  for (const [x, y, c] of points) {
    ctx.fillStyle = regression ? colourOf(c) : CLASS_COLOURS[c];
    ctx.beginPath();
    ctx.arc(((x + HALF) / (2 * HALF)) * size, ((HALF - y) / (2 * HALF)) * size, size / 36, 0, Math.PI * 2);
    ctx.fill();
  }
}

/** A few images (height, width) in a grid, at their own pixels and scaled up without smoothing. */
function drawImages(ctx, size, images) {
  const side = Math.ceil(Math.sqrt(images.length));
  const cell = size / side;
  ctx.imageSmoothingEnabled = false;
  images.forEach((rows, i) => {
    const small = document.createElement("canvas");
    drawImage(small, rows.flat(), [1, rows.length, rows[0].length]);
    ctx.drawImage(small, (i % side) * cell, Math.floor(i / side) * cell, cell, cell);
  });
}

/** One sequence: each input feature as a line over time, and its target per step dashed. */
function drawSequence(ctx, size, inputs, target) {
  const pad = size * 0.08;
  const n = inputs.length;
  const series = inputs[0].map((_, f) => inputs.map((step) => step[f]));
  if (target.length) series.push(target);
  const all = series.flat();
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const px = (i) => pad + (i / Math.max(1, n - 1)) * (size - 2 * pad);
  const py = (v) => size - pad - ((v - lo) / (hi - lo || 1)) * (size - 2 * pad);
  series.forEach((values, k) => {
    const isTarget = target.length > 0 && k === series.length - 1;
    ctx.strokeStyle = isTarget ? "#f59322" : k ? "rgba(8,119,189,0.45)" : "#0877bd";
    ctx.lineWidth = Math.max(1.5, size / 32);
    ctx.setLineDash(isTarget ? [3, 2] : []);
    ctx.beginPath();
    values.forEach((v, i) => (i ? ctx.lineTo(px(i), py(v)) : ctx.moveTo(px(i), py(v))));
    ctx.stroke();
  });
  ctx.setLineDash([]);
}

export function DatasetThumb({ entry }) {
  const ref = useRef(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas.getContext("2d");
    const size = canvas.width;
    ctx.fillStyle = entry.kind === "image" ? "#ffffff" : "#f4f6f8";
    ctx.fillRect(0, 0, size, size);
    const preview = entry.preview;
    if (preview.images.length) drawImages(ctx, size, preview.images);
    else if (preview.sequence.length) drawSequence(ctx, size, preview.sequence, preview.sequence_target);
    else drawPoints(ctx, size, preview.points, entry.task === "regression");
    canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
  }, [entry]);
  return html`<canvas ref=${ref} width="96" height="96" class="thumb" aria-hidden="true" data-testid="dataset-thumb" data-drawn="0"></canvas>`;
}

function Option({ entry, current, disabled }) {
  const selected = entry.name === current;
  return html`<button
    class=${`dataset-option ${selected ? "selected" : ""}`}
    role="radio" aria-checked=${selected ? "true" : "false"}
    data-testid=${`dataset-${entry.name}`} disabled=${disabled} title=${tOr(`datasetDesc.${entry.name}`, entry.description)}
    onClick=${() => !selected && changeDataset({ name: entry.name })}>
    <${DatasetThumb} entry=${entry} />
    <span>${tOr(`dataset.${entry.name}`, entry.label)}</span>
  </button>`;
}

export function DatasetPicker({ dataset, disabled }) {
  const datasets = S.catalog.value.datasets;
  const current = dataset.name;
  const groups = KINDS.map(([kind, titleKey]) => [kind, titleKey, datasets.filter((d) => (d.kind || "points") === kind)])
    .filter(([, , list]) => list.length);
  const upload = current === "upload" && dataset.upload;
  return html`<div class="field" data-testid="dataset-picker" data-control="dataset_picker dataset.name">
    <span class="field-label" id="dataset-label">${t("data.dataset")}</span>
    <div role="radiogroup" aria-labelledby="dataset-label" class="dataset-groups">
      ${groups.map(([kind, titleKey, list]) => html`<div class="dataset-group" data-kind=${kind}>
        <span class="group-title" id=${`group-${kind}`}>${t(titleKey)}</span>
        <div class="dataset-grid" role="group" aria-labelledby=${`group-${kind}`}>
          ${list.map((entry) => html`<${Option} key=${entry.name} entry=${entry} current=${current} disabled=${disabled} />`)}
        </div>
      </div>`)}
      <div class="dataset-group" data-kind="upload">
        <span class="group-title" id="group-upload">${t("data.group.upload")}</span>
        <div class="dataset-grid" role="group" aria-labelledby="group-upload">
          ${upload
            ? html`<button class="dataset-option selected upload-current" role="radio" aria-checked="true"
                data-testid="dataset-upload" disabled=${disabled} title=${upload.filename}
                onClick=${() => openDialog("upload")}>
                <span class="thumb upload-thumb" aria-hidden="true">${upload.format === "csv" ? "CSV" : "ZIP"}</span>
                <span class="upload-name">${upload.filename || t("dataset.upload")}</span>
              </button>`
            : null}
          <button class="dataset-option upload-option" data-testid="open-upload" disabled=${disabled}
            onClick=${() => openDialog("upload")} aria-haspopup="dialog" title=${t("upload.title")}>
            <span class="thumb upload-thumb" aria-hidden="true"><${UploadIcon} /></span>
            <span>${t("data.uploadButton")}</span>
          </button>
        </div>
      </div>
    </div>
  </div>`;
}
