// Small form controls shared by the panels.
import { html } from "htm/preact";
import { useState, useEffect } from "preact/hooks";
import * as S from "../state.js";
import { t } from "../i18n.js";
import { dismissError } from "../actions.js";

/**
 * A range slider that shows its value while dragging and commits on release (one request per
 * change, not one per pixel). Keyboard arrows commit each step.
 */
export function Slider({ label, value, min, max, step, format, onCommit, disabled, testid, id, control = undefined }) {
  const [local, setLocal] = useState(value);
  useEffect(() => setLocal(value), [value]);
  const commit = (e) => {
    const v = Number(e.currentTarget.value);
    if (v !== value) onCommit(v);
  };
  return html`<div class="field" data-control=${control}>
    <label class="field-row" for=${id}>
      <span class="field-label">${label}</span>
      <output class="field-value" data-testid=${testid ? `${testid}-value` : undefined}>${format(local)}</output>
    </label>
    <input type="range" id=${id} data-testid=${testid} min=${min} max=${max} step=${step} value=${local}
      disabled=${disabled} onInput=${(e) => setLocal(Number(e.currentTarget.value))} onChange=${commit} />
  </div>`;
}

/** A labelled <select>; options are [value, text] pairs; values compared as strings. `control`: the
 * setting's path, which a lesson names to highlight it. */
export function Select({ label, value, options, onChange, disabled, testid, id, control = undefined }) {
  return html`<div class="field" data-control=${control}>
    <label class="field-row" for=${id}><span class="field-label">${label}</span></label>
    <select id=${id} data-testid=${testid} value=${String(value)} disabled=${disabled}
      onChange=${(e) => onChange(e.currentTarget.value)}>
      ${options.map(([v, text]) => html`<option value=${String(v)}>${text}</option>`)}
    </select>
  </div>`;
}

/** The latest failed change of one of `scopes` (unless `skip`: it is shown elsewhere, e.g. on its layer). */
export function ErrorBox({ scopes, skip = false }) {
  const error = S.lastError.value;
  if (!error || skip || !scopes.includes(error.scope)) return null;
  return html`<div class="error-box" data-testid="error" role="alert">
    <strong>${t("error.title")}:</strong> <span class="error-message">${error.message}</span>
    <button class="btn btn-small btn-ghost" onClick=${dismissError} aria-label=${t("error.dismiss")}>×</button>
  </div>`;
}
