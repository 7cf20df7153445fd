// The middle column: the network (neuron graph or layer blocks) and, in tabs beside it, every view
// of what happens inside it that the catalog lists and that applies to this network ("tab" views,
// see live_views.js). Only the open tab is mounted, so only its view is subscribed. The
// always-visible views ("strip": the gradient meter) go in the strip at the column's foot, under
// whichever tab is open.
import { html } from "htm/preact";
import * as S from "../state.js";
import { t } from "../i18n.js";
import { viewApplies, useWatchedView } from "../live_views.js";
import { GraphView } from "./graph_view.js";
import { BlockGraph } from "./block_graph.js";
import { StepBar } from "../stepping/step_bar.js";
import { inspected } from "../stepping/state.js";
import { lazyComponent } from "../lazy.js";

// Loaded when first shown: a unit to inspect, the landscape tab opened.
const UnitInspector = lazyComponent(() => import("./inspector/panel.js"), "UnitInspector", () => inspected.value !== null);
const LandscapePanel = lazyComponent(() => import("./landscape/landscape_panel.js"), "LandscapePanel");

/**
 * Tabs of the browser's own, beside the catalog's views: the loss landscape is asked for on demand
 * (GET .../landscape), not streamed, so the server's view registry does not list it.
 */
function localTabs() {
  const state = S.session.value;
  return state && state.total_params > 0
    ? [{ entry: { name: "landscape" }, module: { place: "tab", Panel: LandscapePanel } }]
    : [];
}

/** The loaded view modules of `place` that apply to this session, in catalog order. */
export function viewsAt(place) {
  const state = S.session.value;
  const catalog = S.catalog.value;
  return [...S.viewModules.value.values()].filter(
    ({ entry, module }) => module.place === place && module.Panel && viewApplies(entry, state, catalog),
  );
}

/** One view's panel; it watches its view (so the server streams it) while it is mounted. */
function ViewPanel({ name, module }) {
  useWatchedView(name);
  const Panel = module.Panel;
  return html`<${Panel} name=${name} />`;
}

/** Arrow keys move between tabs (the WAI-ARIA tabs pattern); Enter and Space are the buttons' own. */
function onTabKey(e, names) {
  const at = names.indexOf(S.insideTab.peek());
  let next = null;
  if (e.key === "ArrowRight") next = names[(at + 1) % names.length];
  else if (e.key === "ArrowLeft") next = names[(at - 1 + names.length) % names.length];
  else if (e.key === "Home") next = names[0];
  else if (e.key === "End") next = names[names.length - 1];
  if (next === null) return;
  e.preventDefault();
  S.insideTab.value = next;
  requestAnimationFrame(() => document.getElementById(`inside-tab-${next}`)?.focus());
}

export function InsideColumn({ planar }) {
  const tabs = [...viewsAt("tab"), ...localTabs()];
  const names = ["network", ...tabs.map(({ entry }) => entry.name)];
  const open = names.includes(S.insideTab.value) ? S.insideTab.value : "network";
  const current = tabs.find(({ entry }) => entry.name === open);
  return html`<div class="inside">
    <${StepBar} />
    ${tabs.length
      ? html`<div class="inside-tabs" role="tablist" aria-label=${t("inside.tabs")} onKeyDown=${(e) => onTabKey(e, names)}>
          ${names.map((name) => {
            const selected = name === open;
            const label = name === "network" ? t("inside.network") : t(`view.${name}`);
            return html`<button role="tab" id=${`inside-tab-${name}`} class=${`inside-tab ${selected ? "on" : ""}`}
              aria-selected=${selected ? "true" : "false"} aria-controls="inside-panel" tabindex=${selected ? 0 : -1}
              data-testid=${`tab-${name}`} onClick=${() => (S.insideTab.value = name)}>${label}</button>`;
          })}
        </div>`
      : null}
    <div class="inside-panel" id="inside-panel" role=${tabs.length ? "tabpanel" : undefined}
      aria-labelledby=${tabs.length ? `inside-tab-${open}` : undefined}>
      ${current
        ? html`<${ViewPanel} key=${open} name=${open} module=${current.module} />`
        : planar
          ? html`<${GraphView} />`
          : html`<${BlockGraph} />`}
    </div>
    <${UnitInspector} />
    <${ViewStrip} />
  </div>`;
}

/** The strip at the foot of the column: the views that are always on screen while they apply. */
export function ViewStrip() {
  const strips = viewsAt("strip");
  if (!strips.length) return null;
  return html`<section class="view-strip" aria-label=${t("inside.strip")}>
    ${strips.map(({ entry, module }) => html`<${ViewPanel} key=${entry.name} name=${entry.name} module=${module} />`)}
  </section>`;
}
