// Augmentation of training images: a switch and an amount for each random change, and a preview of
// what the network sees: one training image and a dozen fresh random versions of it (from
// GET /augment-preview), refreshed when the settings change or on "shuffle". Changing the
// augmentation keeps the network's weights; the session trains on.
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import * as S from "../state.js";
import { setAugment } from "../actions.js";
import { loadAugmentPreview } from "../sample_requests.js";
import { t } from "../i18n.js";
import { classNamesOf, className, drawImage } from "../datasets.js";
import { ShuffleIcon } from "./icons.js";

/** name, the value a switch turns on, slider bounds and how the amount reads. */
const CHANGES = [
  { name: "rotation", on: 15, min: 1, max: 45, step: 1, fmt: (v) => `±${v}°` },
  { name: "shift", on: 0.1, min: 0.01, max: 0.3, step: 0.01, fmt: (v) => `±${Math.round(v * 100)}%` },
  { name: "flip", on: true },
  { name: "brightness", on: 0.2, min: 0.01, max: 0.5, step: 0.01, fmt: (v) => `±${Math.round(v * 100)}%` },
  { name: "noise", on: 0.1, min: 0.01, max: 0.5, step: 0.01, fmt: (v) => `σ ${v.toFixed(2)}` },
];

function Change({ change, value, disabled }) {
  const on = change.name === "flip" ? !!value : value > 0;
  const id = `augment-${change.name}`;
  return html`<div class=${`augment-row ${change.fmt ? "" : "no-amount"}`}>
    <label class="toggle">
      <input type="checkbox" data-testid=${id} checked=${on} disabled=${disabled}
        onChange=${(e) => setAugment({ [change.name]: e.currentTarget.checked ? change.on : change.name === "flip" ? false : 0 })} />
      <span>${t(`augment.${change.name}`)}</span>
    </label>
    ${on && change.fmt
      ? html`<input type="range" class="augment-amount" data-testid=${`${id}-amount`} min=${change.min} max=${change.max}
          step=${change.step} value=${value} disabled=${disabled} aria-label=${t("augment.amountOf", { name: t(`augment.${change.name}`) })}
          onChange=${(e) => setAugment({ [change.name]: Number(e.currentTarget.value) })} />
        <output class="field-value">${change.fmt(value)}</output>`
      : null}
  </div>`;
}

function Thumb({ values, shape, testid, label, big = false }) {
  const ref = useRef(null);
  useEffect(() => {
    drawImage(ref.current, values, shape);
  }, [values, shape]);
  return html`<canvas ref=${ref} class=${`augment-thumb ${big ? "big" : ""}`} data-testid=${testid} role="img"
    aria-label=${label}></canvas>`;
}

function Preview() {
  const state = S.session.value;
  const preview = S.augmentPreview.value;
  const loading = S.augmentLoading.value;
  const augmentKey = JSON.stringify(state.dataset.augment);
  const dataKey = JSON.stringify({ ...state.dataset, augment: null });
  // Fresh samples whenever the augmentation (or the data) changes.
  useEffect(() => {
    loadAugmentPreview(null);
  }, [augmentKey, dataKey, state.id]);
  const names = classNamesOf(S.catalog.value, state.dataset, S.points.value);
  const ok = preview && !preview.error && preview.shape;
  return html`<div class="augment-preview" data-testid="augment-preview" aria-busy=${loading ? "true" : "false"}
    data-loading=${loading ? "1" : "0"} data-active=${ok && preview.active ? "1" : "0"}>
    <div class="augment-head">
      ${ok
        ? html`<${Thumb} values=${preview.original} shape=${preview.shape} testid="augment-original" big=${true}
            label=${t("augment.original")} />`
        : html`<div class="augment-thumb big placeholder"></div>`}
      <div class="augment-caption">
        <strong>${t("augment.original")}</strong>
        ${ok ? html`<span>${t("augment.sample", { n: preview.index + 1, label: className(names, Math.round(preview.label)) })}</span>` : null}
        <button class="btn btn-small" data-testid="augment-shuffle" onClick=${() => loadAugmentPreview("random")}
          title=${t("augment.shuffleHint")}><${ShuffleIcon} />${t("augment.shuffle")}</button>
      </div>
    </div>
    ${preview && preview.error
      ? html`<div class="error-box" role="alert" data-testid="augment-error">${preview.error}</div>`
      : html`<div class="augment-grid">
          ${ok ? preview.samples.map((values, i) => html`<${Thumb} key=${i} values=${values} shape=${preview.shape}
            testid="augment-sample" label=${t("augment.version", { n: i + 1 })} />`) : null}
        </div>`}
    <p class="hint">${ok && !preview.active ? t("augment.inactive") : t("augment.explain")}</p>
  </div>`;
}

export function AugmentSection({ disabled }) {
  const augment = S.session.value.dataset.augment;
  return html`<div class="field augment" data-testid="augment" data-control="dataset.augment">
    <span class="field-label">${t("augment.title")}</span>
    ${CHANGES.map((change) => html`<${Change} key=${change.name} change=${change} value=${augment[change.name]} disabled=${disabled} />`)}
    <${Preview} />
  </div>`;
}
