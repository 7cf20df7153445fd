// The page layout: top bar, banners, then the data, network, graph and output columns. 2-D data
// gets the neuron graph and the decision boundary; images, sequences and tables get the layer
// diagram and a grid of their samples instead.
import { html } from "htm/preact";
import * as S from "../state.js";
import { t } from "../i18n.js";
import { kindOf } from "../datasets.js";
import { Header, Banners } from "./header.js";
import { DataPanel } from "./data_panel.js";
import { NetworkPanel } from "./network_panel.js";
import { InsideColumn } from "./inside_column.js";
import { BoundaryView } from "./boundary_view.js";
import { SampleView } from "./sample_view.js";
import { LossChart, Metrics } from "./loss_chart.js";
import { SessionsDialog } from "./share.js";
import { UploadDialog } from "./upload_dialog.js";
import { Lessons } from "../lessons/entry.js";
import { SessionGone } from "./session_gone.js";

function Boot() {
  if (S.boot.value === "gone") return html`<${SessionGone} />`;
  if (S.boot.value === "failed") {
    return html`<div class="boot boot-failed" role="alert" data-testid="boot-error">
      <p>${t("boot.failed", { message: S.bootError.value })}</p>
      <button class="btn" onClick=${() => location.reload()}>${t("boot.retry")}</button>
    </div>`;
  }
  return html`<div class="boot" role="status">${t("boot.loading")}</div>`;
}

export function App() {
  const ready = S.boot.value === "ready" && S.session.value;
  const kind = ready ? kindOf(S.catalog.value, S.session.value.dataset) : "points";
  const planar = kind === "points";
  return html`<div class=${`app ${S.readOnly.value && ready ? "is-readonly" : ""}`}>
    <${Header} />
    <${Banners} />
    ${ready
      ? html`<main class="layout" data-kind=${kind}>
          <aside class="col col-data card" aria-label=${t("data.title")}><${DataPanel} /></aside>
          <section class="col col-net card" aria-label=${t("net.title")}><${NetworkPanel} /></section>
          <section class="col col-graph card" aria-label=${t("graph.title")}>
            <${InsideColumn} planar=${planar} />
          </section>
          <aside class="col col-out card" aria-label=${t("out.title")}>
            ${planar ? html`<${BoundaryView} />` : html`<${SampleView} kind=${kind} />`}
            <${Metrics} />
            <${LossChart} />
          </aside>
        </main>`
      : html`<${Boot} />`}
    <${Lessons} ready=${Boolean(ready)} />
    <${SessionsDialog} />
    <${UploadDialog} />
  </div>`;
}
