// The probe picker: which sample the probe views show. Any training or validation sample, by its
// number (the samples view and the 2-D plane pick one with a click; this picks any, by keyboard too).
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import * as S from "../state.js";
import { t, formatInt } from "../i18n.js";
import { setProbe } from "../actions.js";

export function ProbePicker() {
  const state = S.session.value;
  const probe = S.probe.value;
  const [text, setText] = useState(String(probe.index + 1));
  useEffect(() => setText(String(probe.index + 1)), [probe.index, probe.split]);
  if (!state) return null;
  const total = probe.split === "validation" ? state.validation_size : state.train_size;
  const commit = () => {
    const n = Number(text);
    if (Number.isFinite(n) && n >= 1) setProbe(probe.split, n - 1);
    else setText(String(probe.index + 1));
  };
  return html`<div class="probe-picker" data-testid="probe-picker" data-split=${probe.split} data-index=${probe.index}>
    <span class="field-label">${t("probe.label")}</span>
    <span class="segmented small" role="group" aria-label=${t("samples.split")}>
      ${["train", "validation"].map((split) => html`<button type="button" class=${probe.split === split ? "on" : ""}
        aria-pressed=${probe.split === split ? "true" : "false"} data-testid=${`probe-split-${split}`}
        disabled=${split === "validation" ? !state.validation_size : !state.train_size}
        onClick=${() => setProbe(split, Math.min(probe.index, (split === "validation" ? state.validation_size : state.train_size) - 1))}>
        ${t(`probe.split.${split}`)}</button>`)}
    </span>
    <button type="button" class="btn btn-small" data-testid="probe-prev" aria-label=${t("probe.prev")}
      disabled=${probe.index <= 0} onClick=${() => setProbe(probe.split, probe.index - 1)}>‹</button>
    <label class="probe-index">
      <span class="sr-only">${t("probe.number")}</span>
      <input type="number" min="1" max=${total} value=${text} data-testid="probe-index"
        onInput=${(e) => setText(e.currentTarget.value)} onChange=${commit}
        onKeyDown=${(e) => e.key === "Enter" && commit()} />
    </label>
    <span class="hint">${t("probe.of", { total: formatInt(total) })}</span>
    <button type="button" class="btn btn-small" data-testid="probe-next" aria-label=${t("probe.next")}
      disabled=${probe.index >= total - 1} onClick=${() => setProbe(probe.split, probe.index + 1)}>›</button>
  </div>`;
}
