// The dataset picker: every dataset of the catalog as a small drawn preview, grouped by kind
// (2-D points, images, sequences), and "your data" (upload a CSV or a zip of images).
// The previews are illustrations drawn here; the real samples are shown in the output column.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import * as S from "../state.js";
import { changeDataset, openDialog } from "../actions.js";
import { t, tOr } from "../i18n.js";
import { KINDS } from "../datasets.js";
import { CLASS_COLOURS, colourOf } from "../heatmap.js";
import { UploadIcon } from "./icons.js";

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** A few dozen points in the shape of each 2-D set. */
function previewPoints(name) {
  const r = rng(7);
  const pts = [];
  const n = 90;
  for (let i = 0; i < n; i++) {
    let x, y, c;
    if (name === "circle") {
      c = i % 2;
      const rad = c ? r() * 2.5 : 3.5 + r() * 1.5;
      const a = r() * Math.PI * 2;
      [x, y] = [rad * Math.sin(a), rad * Math.cos(a)];
    } else if (name === "xor") {
      x = (r() * 10 - 5) * 0.95;
      y = (r() * 10 - 5) * 0.95;
      x += x > 0 ? 0.3 : -0.3;
      y += y > 0 ? 0.3 : -0.3;
      c = x * y >= 0 ? 1 : 0;
    } else if (name === "gaussians") {
      c = i % 2;
      const m = c ? 2 : -2;
      const g = () => (r() + r() + r() - 1.5) * 1.6;
      [x, y] = [m + g(), m + g()];
    } else if (name === "moons") {
      c = i % 2;
      const a = r() * Math.PI;
      [x, y] = c ? [Math.cos(a), Math.sin(a)] : [1 - Math.cos(a), 0.5 - Math.sin(a)];
      [x, y] = [(x - 0.5) * 3 + (r() - 0.5) * 0.5, (y - 0.25) * 3 + (r() - 0.5) * 0.5];
    } else if (name === "plane" || name === "gaussian_sum") {
      x = r() * 12 - 6;
      y = r() * 12 - 6;
      c = name === "plane" ? (x + y) / 12 : Math.exp(-((x + 4) ** 2 + (y - 2.5) ** 2) / 2)
        - Math.exp(-(x ** 2 + (y - 2.5) ** 2) / 2) + Math.exp(-((x - 4) ** 2 + (y - 2.5) ** 2) / 2)
        - Math.exp(-((x + 4) ** 2 + (y + 2.5) ** 2) / 2) + Math.exp(-(x ** 2 + (y + 2.5) ** 2) / 2)
        - Math.exp(-((x - 4) ** 2 + (y + 2.5) ** 2) / 2);
    } else {
      c = i % 2;
      const k = Math.floor(i / 2) / (n / 2);
      const rad = k * 5;
      const tt = 1.75 * k * 2 * Math.PI + (c ? 0 : Math.PI);
      [x, y] = [rad * Math.sin(tt) + (r() - 0.5) * 0.4, rad * Math.cos(tt) + (r() - 0.5) * 0.4];
    }
    pts.push([x, y, c]);
  }
  return pts;
}

function drawPoints(ctx, size, name, regression) {
  for (const [x, y, c] of previewPoints(name)) {
    ctx.fillStyle = regression ? colourOf(c) : CLASS_COLOURS[c];
    ctx.beginPath();
    ctx.arc(((x + 6) / 12) * size, ((6 - y) / 12) * size, size / 36, 0, Math.PI * 2);
    ctx.fill();
  }
}

/** Four tiny handwritten-looking digits, drawn at 8×8 pixels each and scaled up without smoothing. */
function drawDigits(ctx, size) {
  const small = document.createElement("canvas");
  small.width = small.height = 16;
  const s = small.getContext("2d");
  s.fillStyle = "#fff";
  s.fillRect(0, 0, 16, 16);
  s.fillStyle = "#1f2933";
  s.font = "bold 9px sans-serif";
  s.textAlign = "center";
  s.textBaseline = "middle";
  /** @type {[string, number, number][]} */
  const digits = [["3", 4, 4.5], ["7", 12, 4.5], ["0", 4, 12.5], ["5", 12, 12.5]];
  digits.forEach(([d, x, y]) => s.fillText(d, x, y));
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, size, size);
}

function drawShapes(ctx, size) {
  const q = size / 2;
  const m = size * 0.1;
  ctx.strokeStyle = "#1f2933";
  ctx.lineWidth = Math.max(2, size / 24);
  ctx.beginPath();
  ctx.arc(q / 2, q / 2, q / 2 - m, 0, Math.PI * 2);
  ctx.stroke();
  ctx.strokeRect(q + m, m, q - 2 * m, q - 2 * m);
  ctx.beginPath();
  ctx.moveTo(q / 2, q + m);
  ctx.lineTo(q - m, size - m);
  ctx.lineTo(m, size - m);
  ctx.closePath();
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(q + m, size - m);
  ctx.lineTo(size - m, q + m);
  ctx.stroke();
}

function drawSequence(ctx, size, name) {
  const r = rng(3);
  const n = 24;
  const pad = size * 0.08;
  const px = (i) => pad + (i / (n - 1)) * (size - 2 * pad);
  const py = (v) => size / 2 - v * (size / 2 - pad);
  const line = (values, colour, dash) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = Math.max(1.5, size / 32);
    ctx.setLineDash(dash);
    ctx.beginPath();
    values.forEach((v, i) => (i ? ctx.lineTo(px(i), py(v)) : ctx.moveTo(px(i), py(v))));
    ctx.stroke();
    ctx.setLineDash([]);
  };
  if (name === "sine") {
    line(Array.from({ length: n }, (_, i) => 0.75 * Math.sin(i / 2.2) + (r() - 0.5) * 0.25), "#0877bd", []);
    line(Array.from({ length: n }, (_, i) => 0.75 * Math.sin((i + 1) / 2.2)), "#f59322", [3, 2]);
  } else if (name === "echo") {
    const values = Array.from({ length: n }, () => r() * 1.6 - 0.8);
    line(values, "#0877bd", []);
    line(values.map((_, i) => (i >= 3 ? values[i - 3] : 0)), "#f59322", [3, 2]);
  } else {
    const w = (size - 2 * pad) / n;
    for (let i = 0; i < n; i++) {
      const v = r();
      const marked = i === 5 || i === 17;
      ctx.fillStyle = marked ? "#0877bd" : "rgba(8,119,189,0.25)";
      ctx.fillRect(pad + i * w + 0.5, size - pad - v * (size - 2 * pad) * 0.8, Math.max(1, w - 1), v * (size - 2 * pad) * 0.8);
    }
  }
}

export function DatasetThumb({ entry }) {
  const ref = useRef(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas.getContext("2d");
    const size = canvas.width;
    ctx.fillStyle = entry.kind === "image" ? "#ffffff" : "#f4f6f8";
    ctx.fillRect(0, 0, size, size);
    if (entry.kind === "image") {
      if (entry.name === "digits") drawDigits(ctx, size);
      else drawShapes(ctx, size);
    } else if (entry.kind === "sequence") {
      drawSequence(ctx, size, entry.name);
    } else {
      drawPoints(ctx, size, entry.name, entry.task === "regression");
    }
  }, [entry.name]);
  return html`<canvas ref=${ref} width="96" height="96" class="thumb" aria-hidden="true"></canvas>`;
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
