// The plumbing between the server's view registry and the view modules that draw them.
//
// The catalog (GET /api/catalog) lists every view the server can stream (`views`: name, the layer
// and data kinds it applies to, the records it emits). This file keeps no copy of that list: for
// each name it loads the module frontend/js/views/live/<name>.js, so adding a view to the
// frontend is adding that one file. A component that shows a view on screen calls
// useWatchedView(name); the subscribe sent to the server names exactly the views some mounted
// component watches and that apply to the session's network and data (see actions.js).
//
// A view module exports:
//   place: "tab" (a tab of the inside-the-network column, drawn by its Panel), "strip" (the
//          always-visible strip under the columns, drawn by its Panel) or "overlay" (no panel of
//          its own: other views draw its records, e.g. the dropout mask on the network graph);
//   Panel: the Preact component (tab and strip);
//   titleKey: the i18n key of its tab or strip title;
//   usesProbe (optional): it shows the probe sample, so the subscribe names the probe;
//   accumulate(store, header, data) and createStore() (optional): for views whose records form a
//          history (gradient norms per step), folded into S.viewStores as they arrive.
import { useEffect } from "preact/hooks";
import * as S from "./state.js";
import { kindOf } from "./datasets.js";

/** Load the module of every view the catalog lists. A view whose module fails to load is left out. */
export async function loadViewModules(catalog) {
  const entries = (catalog && catalog.views) || [];
  const loaded = await Promise.all(
    entries.map(async (entry) => {
      try {
        return [entry.name, { entry, module: await import(`./views/live/${entry.name}.js`) }];
      } catch (err) {
        console.warn(`NeuroPlay: no frontend module for the view "${entry.name}"`, err);
        return null;
      }
    }),
  );
  S.viewModules.value = new Map(loaded.filter(Boolean));
}

/** Whether the catalog publishes views at all (an older server does not: subscribe names none). */
export function catalogHasViews(catalog) {
  return Boolean(catalog && Array.isArray(catalog.views));
}

/**
 * Whether a catalog view entry applies to this session: its data kinds include the session's (or
 * it names none), and its layer types include one of the network's layers (or it shows the whole
 * network: null).
 */
export function viewApplies(entry, state, catalog) {
  if (!entry || !state) return false;
  const dataKinds = entry.data_kinds || [];
  if (dataKinds.length && !dataKinds.includes(kindOf(catalog, state.dataset))) return false;
  const layerTypes = entry.layer_types;
  if (!layerTypes) return true; // it shows the whole network
  return state.model.layers.some((layer) => layerTypes.includes(layer.type));
}

/** The layer indices of this session's network a view shows something of. */
export function viewLayers(entry, state) {
  const types = entry && entry.layer_types;
  return state.model.layers.flatMap((layer, i) => (!types || types.includes(layer.type) ? [i] : []));
}

/** The names the subscribe should carry now: watched on screen and applying to this session. */
export function wantedViews() {
  const catalog = S.catalog.peek();
  const state = S.session.peek();
  if (!catalogHasViews(catalog) || !state) return [];
  const watchers = S.viewWatchers.value;
  return catalog.views
    .filter((entry) => watchers[entry.name] > 0 && viewApplies(entry, state, catalog))
    .map((entry) => entry.name);
}

/** Tabs of the browser's own (views/inside_column.js's localTabs), not in the catalog's views. */
export const LOCAL_TABS = ["landscape"];

/**
 * Bring views on screen by name (a lesson's step names the views to look at). A "tab" view opens
 * its tab of the inside column (the first such name wins; only one tab shows at a time); "strip"
 * and "overlay" views are on screen whenever they apply, beside the network. When none of `names`
 * is a tab and the open tab is one of `closing` (what the previous step opened), the column goes
 * back to the network: the step closes what the step before opened, and nothing the learner chose.
 * A name whose module has not loaded yet is opened as a tab: the column shows it once it is one.
 * @param {string[]} names
 * @param {string[]} [closing]
 */
export function setOpenViews(names, closing = []) {
  const modules = S.viewModules.peek();
  const isTab = (name) => {
    if (LOCAL_TABS.includes(name)) return true;
    const loaded = modules.get(name);
    return loaded ? loaded.module.place === "tab" : modules.size === 0;
  };
  const tab = names.find(isTab);
  if (tab) S.insideTab.value = tab;
  else if (closing.includes(S.insideTab.peek())) S.insideTab.value = "network";
}

/** Whether any wanted view shows the probe (so the subscribe names it). */
export function probeWanted(names) {
  const modules = S.viewModules.peek();
  return names.some((name) => {
    const loaded = modules.get(name);
    return Boolean(loaded && loaded.module.usesProbe);
  });
}

function changeWatchers(name, delta) {
  const current = S.viewWatchers.peek();
  const next = { ...current, [name]: Math.max(0, (current[name] || 0) + delta) };
  S.viewWatchers.value = next;
}

/** Watch view `name` while the calling component is mounted and `active` is true. */
export function useWatchedView(name, active = true) {
  useEffect(() => {
    if (!active || !name) return undefined;
    changeWatchers(name, +1);
    return () => changeWatchers(name, -1);
  }, [name, active]);
}

/** A record arrived: the view it belongs to (header.view) folds it into its store if it keeps a history. */
export function accumulateRecord(header, data) {
  const loaded = header.view ? S.viewModules.peek().get(header.view) : null;
  if (!loaded || !loaded.module.accumulate) return;
  loaded.module.accumulate(S.viewStore(header.view, loaded.module.createStore), header, data);
  S.viewStores.seq += 1;
}
