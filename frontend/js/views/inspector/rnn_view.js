// A hidden unit of a simple_rnn at one time step t in the inspector: the step's input x_t with the
// weights W_x, the previous state h_(t−1) with the weights W_h, their products and sums, b, u and
// f(u) = h_t; after the backward pass has reached the layer dL/dh_t, f′(u), dL/du and each weight's
// gradient twice: this step's share (dL/du · x_t[i], dL/du · h_(t−1)[k]) and the server's total
// over all steps, which is what the update uses (backpropagation through time).
import { html } from "htm/preact";
import { t } from "../../i18n.js";
import { Num, Line } from "./num.js";
import { activationFormulas } from "./dense_view.js";

/** At most this many rows per table are listed; the sums are over all of them. */
const MAX_ROWS = 32;

/**
 * One table: `value` names the row's input column (x or h), `weight` its weight column.
 * @param {{rows: any[], grads: boolean, names: {index: string, value: string, weight: string, product: string, share: string, total: string}, head: any, testid: string}} props
 */
function Rows({ rows, grads, names, head, testid }) {
  const shown = rows.slice(0, MAX_ROWS);
  return html`<table class="insp-table" data-testid=${testid}>
      <thead><tr>
        <th scope="col">${names.index}</th>${head}
        ${grads ? html`<th scope="col" title=${t("insp.rnnShareTitle")}>${t("insp.rnnStepShare")}</th><th scope="col">${t("insp.rnnAllSteps")}</th>` : null}
      </tr></thead>
      <tbody>
        ${shown.map((r) => {
          const index = r.i ?? r.k;
          return html`<tr data-index=${index}>
            <th scope="row">${index + 1}</th>
            <td><${Num} value=${r.x ?? r.h} name=${names.value} index=${index} /></td>
            <td><${Num} value=${r.w} name=${names.weight} index=${index} /></td>
            <td><${Num} value=${r.product} name=${names.product} index=${index} /></td>
            ${grads
              ? html`<td><${Num} value=${r.share} name=${names.share} index=${index} /></td>
                  <td><${Num} value=${r.total} name=${names.total} index=${index} /></td>`
              : null}
          </tr>`;
        })}
      </tbody>
    </table>
    ${rows.length > shown.length ? html`<p class="hint">${t("insp.moreInputs", { n: rows.length - shown.length })}</p>` : null}`;
}

export function RnnUnit({ unit, grads }) {
  const f = unit.activation;
  const prev = unit.step === 0 ? "h₀" : "hₜ₋₁";
  return html`<div class="insp-body" data-kind="rnn" data-step=${unit.step}>
    <p class="hint">${t("insp.rnnRule", { t: unit.step + 1, n: unit.steps })}</p>
    <strong class="insp-channel-name">${t("insp.rnnInput", { t: unit.step + 1 })}</strong>
    <${Rows} rows=${unit.inputs} grads=${grads} testid="insp-inputs"
      names=${{ index: "i", value: "x", weight: "w", product: "product", share: "dw", total: "dwTotal" }}
      head=${html`<th scope="col">xₜ[i]</th><th scope="col">W_x[i]</th><th scope="col">W_x[i]·xₜ[i]</th>`} />
    <strong class="insp-channel-name">${unit.step === 0 ? t("insp.rnnInitial") : t("insp.rnnPrevious", { t: unit.step })}</strong>
    <${Rows} rows=${unit.states} grads=${grads} testid="insp-states"
      names=${{ index: "k", value: "h", weight: "wh", product: "hproduct", share: "dwh", total: "dwhTotal" }}
      head=${html`<th scope="col">${prev}[k]</th><th scope="col">W_h[k]</th><th scope="col">W_h[k]·${prev}[k]</th>`} />
    <${Line} label="Σ W_x·xₜ" value=${unit.sumX} name="sumx" />
    <${Line} label=${`Σ W_h·${prev}`} value=${unit.sumH} name="sumh" />
    <${Line} label="b" value=${unit.bias} name="b" />
    <${Line} label="u" formula=${`Σ W_x·xₜ + Σ W_h·${prev} + b`} value=${unit.u} name="u" />
    <${Line} label="hₜ" formula=${`${f}(u)`} value=${unit.y} name="y" />
    ${grads
      ? html`<div class="insp-grads" data-testid="insp-grads">
          <${Line} label="dL/dhₜ" value=${unit.dy} name="dy" />
          <p class="hint">${t("insp.rnnDh")}</p>
          <${Line} label="f′(u)" formula=${(activationFormulas(f).slope || "").replaceAll("y", "hₜ")} value=${unit.dfdu} name="dfdu" />
          <${Line} label="dL/du" formula="dL/dhₜ · f′(u)" value=${unit.du} name="du" />
          <${Line} label=${t("insp.rnnDbStep")} formula="dL/du" value=${unit.du} name="db" />
          <${Line} label=${t("insp.rnnDbTotal")} value=${unit.dbTotal} name="dbTotal" />
          <p class="hint" data-testid="insp-bptt">${t("insp.rnnBptt", { n: unit.steps })}</p>
        </div>`
      : html`<p class="hint insp-wait" data-testid="insp-grads-wait">${t("insp.gradsLater")}</p>`}
  </div>`;
}
