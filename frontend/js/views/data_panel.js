// Left panel: which data to learn from, and how training proceeds.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import * as S from "../state.js";
import { changeDataset, changeTraining, patch } from "../actions.js";
import { t, tOr, formatInt } from "../i18n.js";
import { makeOffscreen, paintValues } from "../heatmap.js";
import { kindOf, entryOf } from "../datasets.js";
import { Slider, Select, ErrorBox } from "./controls.js";
import { DatasetPicker } from "./dataset_picker.js";
import { AugmentSection } from "./augment.js";

/** Learning rates offered, as in TensorFlow Playground. */
const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const L2_RATES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];

/** A feature's picture over the plane: the server's map (feature_maps.js) drawn small. */
function FeatureThumb({ name }) {
  const ref = useRef(null);
  const maps = S.featureMaps.value;
  useEffect(() => {
    const map = maps && maps.byName.get(name);
    if (!map) return;
    const canvas = ref.current;
    const plane = makeOffscreen(maps.grid.size);
    paintValues(plane.image, map.values, 0, plane.size, map.low, map.high);
    plane.ctx.putImageData(plane.image, 0, 0);
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(plane.canvas, 0, 0, canvas.width, canvas.height);
  }, [name, maps]);
  return html`<canvas ref=${ref} width="24" height="24" class="feature-thumb" aria-hidden="true"></canvas>`;
}

/** TF-Playground-style input features: which functions of (x1, x2) the network sees. */
function FeaturePicker({ chosen, disabled }) {
  const all = S.catalog.value.features || [];
  if (!all.length || !chosen) return null;
  // Built when the PATCH goes out, on the features the click before left: quick clicks add up
  // (the rendered `chosen` may still be from before an answer on its way).
  const toggle = (name) =>
    patch(() => {
      const now = S.session.peek().dataset.features || chosen;
      const on = now.includes(name);
      if (on && now.length === 1) return null; // at least one input
      return { dataset: { features: all.map((f) => f.name).filter((n) => (n === name ? !on : now.includes(n))) } };
    }, "data");
  return html`<div class="field">
    <span class="field-label" id="features-label">${t("data.features")}</span>
    <div class="feature-grid" role="group" aria-labelledby="features-label" data-testid="features" data-control="dataset.features">
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
  const kind = kindOf(cat, ds);
  const shown = new Set(state.dataset_settings); // the server says which settings this data has
  const setting = (name, fallback) => settingBounds(cat.dataset_settings, name, fallback);
  const pointsBounds = setting("points", [10, 5000]);
  const entry = entryOf(cat, ds.name);
  // A real set (the digits) has as many samples as it has: the catalog says how many.
  const maxPoints = entry && entry.max_points ? Math.min(pointsBounds.max, entry.max_points) : pointsBounds.max;
  const valBounds = setting("validation_share", [0, 0.9]);
  const lengthBounds = setting("length", [2, 200]);
  const delayBounds = setting("delay", [0, 50]);
  const lrs = LEARNING_RATES.includes(tr.learning_rate)
    ? LEARNING_RATES
    : [...LEARNING_RATES, tr.learning_rate].sort((a, b) => a - b);
  const l2s = L2_RATES.includes(tr.l2) ? L2_RATES : [...L2_RATES, tr.l2].sort((a, b) => a - b);
  const naturalLoss = entry ? entry.default_loss : state.loss;
  const lossOptions = [
    ["auto", t("train.lossAuto", { name: tOr(`loss.${naturalLoss}`, naturalLoss) })],
    ...cat.losses.map((l) => [l.name, tOr(`loss.${l.name}`, l.name)]),
  ];
  const lossFormula = (cat.losses.find((l) => l.name === state.loss) || {}).formula;
  const output = state.layers[state.layers.length - 1];
  return html`<div class="panel-body">
    <section class="panel-section" aria-labelledby="data-title">
      <h2 id="data-title" class="section-title">${t("data.title")}</h2>
      <${DatasetPicker} dataset=${ds} disabled=${disabled} />
      ${ds.name === "upload" && ds.upload
        ? html`<div class="upload-info" data-testid="upload-info">
            <strong data-testid="upload-filename">${ds.upload.filename}</strong>
            <span>${ds.upload.format === "csv"
              ? t("upload.infoCsv", { column: ds.upload.label_column, classes: output ? output.output_shape[0] : "?" })
              : t("upload.infoImages", { side: ds.upload.side, color: t(`upload.${ds.upload.color}`), classes: output ? output.output_shape[0] : "?" })}</span>
          </div>`
        : null}
      ${shown.has("features") ? html`<${FeaturePicker} chosen=${ds.features} disabled=${disabled} />` : null}
      ${shown.has("noise")
        ? html`<${Slider} id="noise" testid="noise" control="dataset.noise" label=${t("data.noise")} value=${ds.noise} min="0" max="1" step="0.05"
            format=${pct} disabled=${disabled} onCommit=${(v) => changeDataset({ noise: v })} />`
        : null}
      ${shown.has("points")
        ? html`<${Slider} id="points" testid="points" control="dataset.points" label=${t(kind === "points" ? "data.points" : "data.samples")} value=${Math.min(ds.points, maxPoints)}
            min=${Math.max(pointsBounds.min, 50)} max=${maxPoints} step="50"
            format=${formatInt} disabled=${disabled} onCommit=${(v) => changeDataset({ points: v })} />`
        : null}
      ${shown.has("length")
        ? html`<${Slider} id="length" testid="length" label=${t("data.length")} value=${ds.length}
            min=${Math.max(lengthBounds.min, 2)} max=${Math.min(lengthBounds.max, 100)} step="1"
            format=${formatInt} disabled=${disabled} onCommit=${(v) => changeDataset({ length: v })} />`
        : null}
      ${shown.has("delay")
        ? html`<${Slider} id="delay" testid="delay" label=${t("data.delay")} value=${ds.delay}
            min=${delayBounds.min} max=${Math.min(delayBounds.max, ds.length - 1)} step="1"
            format=${formatInt} disabled=${disabled} onCommit=${(v) => changeDataset({ delay: v })} />`
        : null}
      ${shown.has("validation_share")
        ? html`<${Slider} id="validation-share" testid="validation-share" control="dataset.validation_share" label=${t("data.validation")}
            value=${ds.validation_share} min=${valBounds.min} max=${valBounds.max} step="0.05"
            format=${pct} disabled=${disabled} onCommit=${(v) => changeDataset({ validation_share: v })} />`
        : null}
      <p class="hint" data-testid="split">
        ${t("data.split", { train: formatInt(state.train_size), val: formatInt(state.validation_size) })}
      </p>
      ${shown.has("augment") ? html`<${AugmentSection} disabled=${disabled} />` : null}
      <${ErrorBox} scopes=${["data"]} />
    </section>
    <section class="panel-section" aria-labelledby="train-title">
      <h2 id="train-title" class="section-title">${t("train.title")}</h2>
      ${cat.optimizers.length > 1
        ? html`<${Select} id="optimizer" testid="optimizer" control="training.optimizer" label=${t("train.optimizer")} value=${tr.optimizer}
            options=${cat.optimizers.map((o) => [o, tOr(`optimizer.${o}`, o)])} disabled=${disabled}
            onChange=${(v) => changeTraining({ optimizer: v })} />`
        : null}
      ${tr.momentum !== undefined && (tr.optimizer === "momentum" || tr.optimizer === "nesterov")
        ? html`<${Slider} id="momentum" testid="momentum" control="training.momentum" label=${t("train.momentum")} value=${tr.momentum}
            min="0" max="0.99" step="0.01" format=${(v) => v.toFixed(2)} disabled=${disabled}
            onCommit=${(v) => changeTraining({ momentum: v })} />`
        : null}
      <${Select} id="learning-rate" testid="learning-rate" control="training.learning_rate" label=${t("train.lr")} value=${tr.learning_rate}
        options=${lrs.map((v) => [v, numberText(v)])} disabled=${disabled}
        onChange=${(v) => changeTraining({ learning_rate: Number(v) })} />
      <${Slider} id="batch-size" testid="batch-size" control="training.batch_size" label=${t("train.batch")}
        value=${Math.min(tr.batch_size, state.train_size)} min="1" max=${Math.max(1, state.train_size)} step="1"
        format=${formatInt} disabled=${disabled} onCommit=${(v) => changeTraining({ batch_size: v })} />
      <${Select} id="l2" testid="l2" control="training.l2" label=${t("train.l2")} value=${tr.l2}
        options=${l2s.map((v) => [v, numberText(v)])} disabled=${disabled}
        onChange=${(v) => changeTraining({ l2: Number(v) })} />
      <${Select} id="clip-norm" testid="clip-norm" control="training.clip_norm" label=${t("train.clip")} value=${tr.clip_norm ?? "off"}
        options=${clipOptions(tr.clip_norm)} disabled=${disabled}
        onChange=${(v) => (v === "off" ? changeTraining({}, ["clip_norm"]) : changeTraining({ clip_norm: Number(v) }))} />
      <${Select} id="loss" testid="loss" control="training.loss" label=${t("train.loss")} value=${tr.loss || "auto"}
        options=${lossOptions} disabled=${disabled}
        onChange=${(v) => (v === "auto" ? changeTraining({}, ["loss"]) : changeTraining({ loss: v }))} />
      <p class="formula" data-testid="loss-name" title=${lossFormula}>
        <span class="formula-name">${tOr(`loss.${state.loss}`, state.loss)}</span>
        ${lossFormula ? html`<code>${lossFormula}</code>` : null}
      </p>
      <${ErrorBox} scopes=${["training"]} />
    </section>
  </div>`;
}
