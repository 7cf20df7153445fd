// Left panel: which data to learn from, and how training proceeds.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import * as S from "../state.js";
import { changeDataset, changeTraining } from "../actions.js";
import { t, tOr, formatInt } from "../i18n.js";
import { CLASS_COLOURS, colourOf, featureMap, paintValues } from "../heatmap.js";
import { Slider, Select, ErrorBox } from "./controls.js";

/** Learning rates offered, as in TensorFlow Playground. */
const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const L2_RATES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];

// ---- dataset thumbnails: a few dozen points in the shape of each set (illustrations only; the
// real samples come from the server and are drawn in the boundary view).
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

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

function DatasetThumb({ name, regression }) {
  const ref = useRef(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas.getContext("2d");
    const size = canvas.width;
    ctx.fillStyle = "#f4f6f8";
    ctx.fillRect(0, 0, size, size);
    for (const [x, y, c] of previewPoints(name)) {
      ctx.fillStyle = regression ? colourOf(c) : CLASS_COLOURS[c];
      ctx.beginPath();
      ctx.arc(((x + 6) / 12) * size, ((6 - y) / 12) * size, size / 36, 0, Math.PI * 2);
      ctx.fill();
    }
  }, [name, regression]);
  return html`<canvas ref=${ref} width="96" height="96" class="thumb" aria-hidden="true"></canvas>`;
}

function DatasetPicker({ current, disabled }) {
  // The plane views (boundary, neuron maps) are for 2-D sets; image and sequence sets come later.
  const datasets = S.catalog.value.datasets.filter((d) => !d.kind || d.kind === "points");
  return html`<div class="field">
    <span class="field-label" id="dataset-label">${t("data.dataset")}</span>
    <div class="dataset-grid" role="radiogroup" aria-labelledby="dataset-label" data-testid="dataset-picker">
      ${datasets.map(
        (d) => html`<button
          class=${`dataset-option ${d.name === current ? "selected" : ""}`}
          role="radio" aria-checked=${d.name === current ? "true" : "false"}
          data-testid=${`dataset-${d.name}`} disabled=${disabled} title=${d.description}
          onClick=${() => d.name !== current && changeDataset({ name: d.name })}>
          <${DatasetThumb} name=${d.name} regression=${d.task === "regression"} />
          <span>${tOr(`dataset.${d.name}`, d.label)}</span>
        </button>`,
      )}
    </div>
  </div>`;
}

function FeatureThumb({ name }) {
  const ref = useRef(null);
  useEffect(() => {
    const canvas = ref.current;
    const size = canvas.width;
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(size, size);
    paintValues(image, featureMap({ size, x_min: -6, x_max: 6, y_min: -6, y_max: 6 }, name), 0, size);
    ctx.putImageData(image, 0, 0);
  }, [name]);
  return html`<canvas ref=${ref} width="24" height="24" class="feature-thumb" aria-hidden="true"></canvas>`;
}

/** TF-Playground-style input features: which functions of (x1, x2) the network sees. */
function FeaturePicker({ chosen, disabled }) {
  const all = S.catalog.value.features || [];
  if (!all.length || !chosen) return null;
  const toggle = (name) => {
    const on = chosen.includes(name);
    if (on && chosen.length === 1) return; // at least one input
    const next = all.map((f) => f.name).filter((n) => (n === name ? !on : chosen.includes(n)));
    changeDataset({ features: next });
  };
  return html`<div class="field">
    <span class="field-label" id="features-label">${t("data.features")}</span>
    <div class="feature-grid" role="group" aria-labelledby="features-label" data-testid="features">
      ${all.map((f) => {
        const on = chosen.includes(f.name);
        return html`<button class=${`feature ${on ? "on" : ""}`} aria-pressed=${on ? "true" : "false"}
          data-testid=${`feature-${f.name}`} disabled=${disabled || (on && chosen.length === 1)}
          title=${f.formula} onClick=${() => toggle(f.name)}>
          <${FeatureThumb} name=${f.name} /><span>${f.formula}</span>
        </button>`;
      })}
    </div>
  </div>`;
}

function settingBounds(list, name, fallback) {
  const s = list.find((x) => x.name === name);
  return {
    min: s && s.minimum !== null ? s.minimum : fallback[0],
    max: s && s.maximum !== null ? s.maximum : fallback[1],
  };
}

const CLIP_NORMS = [0.1, 0.5, 1, 5];

function clipOptions(current) {
  const values = current && !CLIP_NORMS.includes(current) ? [...CLIP_NORMS, current].sort((a, b) => a - b) : CLIP_NORMS;
  return [["off", t("train.clipOff")], ...values.map((v) => [v, t("train.clipTo", { n: v })])];
}

const pct = (v) => `${Math.round(v * 100)}%`;
const numberText = (v) => (v >= 0.001 || v === 0 ? String(v) : v.toExponential(0));

export function DataPanel() {
  const state = S.session.value;
  const cat = S.catalog.value;
  if (!state || !cat) return null;
  const disabled = S.readOnly.value;
  const ds = state.dataset;
  const tr = state.training;
  const pointsBounds = settingBounds(cat.dataset_settings, "points", [10, 5000]);
  const valBounds = settingBounds(cat.dataset_settings, "validation_share", [0, 0.9]);
  const lrs = LEARNING_RATES.includes(tr.learning_rate)
    ? LEARNING_RATES
    : [...LEARNING_RATES, tr.learning_rate].sort((a, b) => a - b);
  const l2s = L2_RATES.includes(tr.l2) ? L2_RATES : [...L2_RATES, tr.l2].sort((a, b) => a - b);
  const entry = cat.datasets.find((d) => d.name === ds.name);
  const lossOptions = [
    ["auto", t("train.lossAuto", { name: tOr(`loss.${entry ? entry.default_loss : state.loss}`, state.loss) })],
    ...cat.losses.map((l) => [l.name, tOr(`loss.${l.name}`, l.name)]),
  ];
  const lossFormula = (cat.losses.find((l) => l.name === state.loss) || {}).formula;
  return html`<div class="panel-body">
    <section class="panel-section" aria-labelledby="data-title">
      <h2 id="data-title" class="section-title">${t("data.title")}</h2>
      <${DatasetPicker} current=${ds.name} disabled=${disabled} />
      ${entry && entry.kind === "points" ? html`<${FeaturePicker} chosen=${ds.features} disabled=${disabled} />` : null}
      <${Slider} id="noise" testid="noise" label=${t("data.noise")} value=${ds.noise} min="0" max="1" step="0.05"
        format=${pct} disabled=${disabled} onCommit=${(v) => changeDataset({ noise: v })} />
      <${Slider} id="points" testid="points" label=${t("data.points")} value=${ds.points}
        min=${Math.max(pointsBounds.min, 50)} max=${pointsBounds.max} step="50"
        format=${formatInt} disabled=${disabled} onCommit=${(v) => changeDataset({ points: v })} />
      <${Slider} id="validation-share" testid="validation-share" label=${t("data.validation")}
        value=${ds.validation_share} min=${valBounds.min} max=${valBounds.max} step="0.05"
        format=${pct} disabled=${disabled} onCommit=${(v) => changeDataset({ validation_share: v })} />
      <p class="hint" data-testid="split">
        ${t("data.split", { train: formatInt(state.train_size), val: formatInt(state.validation_size) })}
      </p>
    </section>
    <section class="panel-section" aria-labelledby="train-title">
      <h2 id="train-title" class="section-title">${t("train.title")}</h2>
      ${cat.optimizers.length > 1
        ? html`<${Select} id="optimizer" testid="optimizer" label=${t("train.optimizer")} value=${tr.optimizer}
            options=${cat.optimizers.map((o) => [o, tOr(`optimizer.${o}`, o)])} disabled=${disabled}
            onChange=${(v) => changeTraining({ optimizer: v })} />`
        : null}
      ${tr.momentum !== undefined && (tr.optimizer === "momentum" || tr.optimizer === "nesterov")
        ? html`<${Slider} id="momentum" testid="momentum" label=${t("train.momentum")} value=${tr.momentum}
            min="0" max="0.99" step="0.01" format=${(v) => v.toFixed(2)} disabled=${disabled}
            onCommit=${(v) => changeTraining({ momentum: v })} />`
        : null}
      <${Select} id="learning-rate" testid="learning-rate" label=${t("train.lr")} value=${tr.learning_rate}
        options=${lrs.map((v) => [v, numberText(v)])} disabled=${disabled}
        onChange=${(v) => changeTraining({ learning_rate: Number(v) })} />
      <${Slider} id="batch-size" testid="batch-size" label=${t("train.batch")}
        value=${Math.min(tr.batch_size, state.train_size)} min="1" max=${Math.max(1, state.train_size)} step="1"
        format=${formatInt} disabled=${disabled} onCommit=${(v) => changeTraining({ batch_size: v })} />
      <${Select} id="l2" testid="l2" label=${t("train.l2")} value=${tr.l2}
        options=${l2s.map((v) => [v, numberText(v)])} disabled=${disabled}
        onChange=${(v) => changeTraining({ l2: Number(v) })} />
      <${Select} id="clip-norm" testid="clip-norm" label=${t("train.clip")} value=${tr.clip_norm ?? "off"}
        options=${clipOptions(tr.clip_norm)} disabled=${disabled}
        onChange=${(v) => (v === "off" ? changeTraining({}, ["clip_norm"]) : changeTraining({ clip_norm: Number(v) }))} />
      <${Select} id="loss" testid="loss" label=${t("train.loss")} value=${tr.loss || "auto"}
        options=${lossOptions} disabled=${disabled}
        onChange=${(v) => (v === "auto" ? changeTraining({}, ["loss"]) : changeTraining({ loss: v }))} />
      <p class="formula" data-testid="loss-name" title=${lossFormula}>
        <span class="formula-name">${tOr(`loss.${state.loss}`, state.loss)}</span>
        ${lossFormula ? html`<code>${lossFormula}</code>` : null}
      </p>
      <${ErrorBox} scopes=${["data", "training"]} />
    </section>
  </div>`;
}
