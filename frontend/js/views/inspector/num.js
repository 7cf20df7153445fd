// One number of the inspector: shown to 4 significant digits, the full value in data-value, and a
// test id naming what it is (insp-u, insp-dw, ...).
import { html } from "htm/preact";
import { formatValue, fullValue } from "../../stepping/numbers.js";

export function Num({ value, name, index = undefined }) {
  return html`<span class="num" data-testid=${`insp-${name}`} data-index=${index} data-value=${fullValue(value)}>${formatValue(value)}</span>`;
}

/** A line "label = formula = value". */
export function Line({ label, formula = null, value, name }) {
  return html`<div class="insp-line" data-line=${name}>
    <span class="insp-label">${label}</span>
    ${formula ? html`<span class="insp-formula">= ${formula}</span>` : null}
    <span class="insp-eq">=</span> <${Num} value=${value} name=${name} />
  </div>`;
}
