// A conv unit (one cell of one feature map) in the inspector: per input channel its receptive field
// (zero-padding cells marked), the kernel and the products, then Σ, b, u, f(u); after the backward
// pass dL/dy, f′(u), dL/du of this cell and its share dL/du · x of the kernel's gradient, next to
// the server's dL/dW and dL/db (summed over every position of the map).
import { html } from "htm/preact";
import { t } from "../../i18n.js";
import { Num, Line } from "./num.js";
import { activationFormulas } from "./dense_view.js";

/** At most this many input channels are drawn; the sums are over all of them. */
const MAX_CHANNELS = 8;

function Grid({ cells, name, ci, value, caption }) {
  return html`<figure class="insp-grid">
    <figcaption class="hint">${caption}</figcaption>
    <table class="insp-cells" data-testid=${`insp-grid-${name}`} data-channel=${ci}>
      <tbody>
        ${cells.map((row) => html`<tr>${row.map((cell) => html`<td class=${cell.padded && name === "x" ? "is-padding" : ""}
          title=${cell.padded && name === "x" ? t("insp.padding") : undefined}>
          <${Num} value=${value(cell)} name=${name} index=${`${ci},${cell.di},${cell.dj}`} />
        </td>`)}</tr>`)}
      </tbody>
    </table>
  </figure>`;
}

export function ConvUnit({ unit, grads }) {
  const channels = unit.channels.slice(0, MAX_CHANNELS);
  return html`<div class="insp-body" data-kind="conv">
    <p class="hint">${t("insp.receptive", { k: unit.size, s: unit.stride })}</p>
    ${channels.map((ch) => html`<div class="insp-channel" data-testid="insp-channel" data-channel=${ch.ci}>
      <strong class="insp-channel-name">${t("insp.inChannel", { n: ch.ci + 1 })}</strong>
      <div class="insp-grids">
        <${Grid} cells=${ch.cells} name="x" ci=${ch.ci} value=${(c) => c.x} caption=${t("insp.field")} />
        <${Grid} cells=${ch.cells} name="w" ci=${ch.ci} value=${(c) => c.w} caption=${t("insp.kernel")} />
        <${Grid} cells=${ch.cells} name="product" ci=${ch.ci} value=${(c) => c.product} caption="w · x" />
        ${grads ? html`<${Grid} cells=${ch.cells} name="share" ci=${ch.ci} value=${(c) => c.share} caption=${t("insp.share")} />` : null}
        ${grads && ch.totalGrad
          ? html`<${Grid} cells=${ch.cells} name="dW" ci=${ch.ci} value=${(c) => ch.totalGrad[c.di][c.dj]} caption=${t("insp.dwTotal")} />`
          : null}
      </div>
    </div>`)}
    ${unit.channels.length > channels.length ? html`<p class="hint">${t("insp.moreChannels", { n: unit.channels.length - channels.length })}</p>` : null}
    <${Line} label="Σ w·x" value=${unit.sum} name="sum" />
    ${unit.bias !== null ? html`<${Line} label="b" value=${unit.bias} name="b" />` : html`<p class="hint">${t("insp.noBias")}</p>`}
    <${Line} label="u" formula=${unit.bias !== null ? "Σ w·x + b" : "Σ w·x"} value=${unit.u} name="u" />
    <${Line} label="y" formula=${`${unit.activation}(u)`} value=${unit.y} name="y" />
    ${grads
      ? html`<div class="insp-grads" data-testid="insp-grads">
          <${Line} label="dL/dy" value=${unit.dy} name="dy" />
          <${Line} label="f′(u)" formula=${activationFormulas(unit.activation).slope} value=${unit.dfdu} name="dfdu" />
          <${Line} label="dL/du" formula="dL/dy · f′(u)" value=${unit.du} name="du" />
          <p class="hint">${t("insp.convShare")}</p>
          ${unit.db !== null ? html`<${Line} label=${t("insp.dbTotal")} value=${unit.db} name="db" />` : null}
        </div>`
      : html`<p class="hint insp-wait" data-testid="insp-grads-wait">${t("insp.gradsLater")}</p>`}
  </div>`;
}
