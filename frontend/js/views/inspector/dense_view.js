// A dense unit in the inspector: every input x_i with its weight w_i and the product, their sum,
// the bias, u and f(u); after the backward pass has reached the layer dL/dy, f′(u), dL/du, each
// dL/dw_i = dL/du · x_i and dL/db.
import { html } from "htm/preact";
import * as S from "../../state.js";
import { t } from "../../i18n.js";
import { Num, Line } from "./num.js";

/** At most this many inputs are listed; the sums are over all of them. */
const MAX_ROWS = 32;

export function DenseUnit({ unit, grads }) {
  const rows = unit.rows.slice(0, MAX_ROWS);
  const f = unit.activation;
  return html`<div class="insp-body" data-kind="dense">
    <table class="insp-table" data-testid="insp-inputs">
      <thead><tr>
        <th scope="col">i</th><th scope="col">x<sub>i</sub></th><th scope="col">w<sub>i</sub></th>
        <th scope="col">w<sub>i</sub>·x<sub>i</sub></th>
        ${grads ? html`<th scope="col" title=${t("insp.dwTitle")}>dL/dw<sub>i</sub></th>` : null}
      </tr></thead>
      <tbody>
        ${rows.map((r) => html`<tr data-testid="insp-row" data-index=${r.i}>
          <th scope="row">${r.i + 1}</th>
          <td><${Num} value=${r.x} name="x" index=${r.i} /></td>
          <td><${Num} value=${r.w} name="w" index=${r.i} /></td>
          <td><${Num} value=${r.product} name="product" index=${r.i} /></td>
          ${grads ? html`<td><${Num} value=${r.dw} name="dw" index=${r.i} /></td>` : null}
        </tr>`)}
      </tbody>
    </table>
    ${unit.rows.length > rows.length ? html`<p class="hint">${t("insp.moreInputs", { n: unit.rows.length - rows.length })}</p>` : null}
    <${Line} label="Σ wᵢxᵢ" value=${unit.sum} name="sum" />
    ${unit.bias !== null ? html`<${Line} label="b" value=${unit.bias} name="b" />` : html`<p class="hint">${t("insp.noBias")}</p>`}
    <${Line} label="u" formula=${unit.bias !== null ? "Σ wᵢxᵢ + b" : "Σ wᵢxᵢ"} value=${unit.u} name="u" />
    <${Line} label="y" formula=${`${f}(u)`} value=${unit.y} name="y" />
    ${grads ? html`<${DenseGrads} unit=${unit} />` : html`<p class="hint insp-wait" data-testid="insp-grads-wait">${t("insp.gradsLater")}</p>`}
  </div>`;
}

function DenseGrads({ unit }) {
  const formulas = activationFormulas(unit.activation);
  return html`<div class="insp-grads" data-testid="insp-grads">
    <${Line} label="dL/dy" value=${unit.dy} name="dy" />
    ${formulas.slope === null
      ? html`<p class="hint">${t("insp.softmaxSlope")}</p>`
      : html`<${Line} label="f′(u)" formula=${formulas.slope} value=${unit.dfdu} name="dfdu" />`}
    <${Line} label="dL/du" formula=${formulas.grad} value=${unit.du} name="du" />
    <p class="hint">${t("insp.dwRule")}</p>
    ${unit.db !== null ? html`<${Line} label="dL/db" formula="dL/du" value=${unit.db} name="db" />` : null}
  </div>`;
}

/**
 * The catalog's formulas of an activation (engine/activations.py): f′ as the engine's backward
 * computes it (null: softmax, which has no scalar f′) and dL/du from dL/dy.
 * @param {string} activation @returns {{slope: string | null, grad: string}}
 */
export function activationFormulas(activation) {
  const catalog = S.catalog.value;
  const info = catalog && catalog.activations.find((a) => a.name === activation);
  return info ? { slope: info.slope_formula ?? null, grad: info.grad_formula } : { slope: null, grad: "dL/du" };
}
