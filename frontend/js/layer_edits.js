// The layer list's edits (owner only): add, remove, move and change layers in the list the learner
// sees (pending edits included), sent as one PATCH each through actions.patch, with a refusal
// placed on the card it is about (layer_errors.js).
import * as S from "./state.js";
import { patch } from "./actions.js";
import { insertionPoint } from "./layer_fit.js";
import { placeLayerError } from "./layer_errors.js";

/** The layer list as the user currently sees it (pending edits included). */
export function currentLayers() {
  const draft = S.draftLayers.peek();
  if (draft) return draft;
  const state = S.session.peek();
  return state ? state.model.layers : [];
}

/** Change the layer list: `edit(copy)` gets a copy of the current list and returns the new one (or null: no change). */
export function editLayers(edit) {
  const shown = currentLayers().map((layer) => ({ ...layer }));
  const layers = edit(shown.slice());
  if (!layers) return Promise.resolve(null);
  // Where each layer of the new list was (-1: added), so a refusal lands on the card it is about.
  const origins = layers.map((layer) => shown.indexOf(layer));
  S.draftLayers.value = layers;
  const place = (err) => placeLayerError(err, layers, origins, shown.length, S.catalog.peek());
  return patch({ model: { layers } }, "network", place);
}

function outputIndex(layers) {
  return layers.length - 1;
}

/**
 * A new hidden layer of `type` with the catalog's defaults, inserted at `index` (before the output);
 * without an index, where it fits (layer_fit.js: a conv goes before Flatten).
 */
export function addLayer(type, index = null) {
  const info = S.catalog.peek().layers.find((l) => l.type === type);
  const layer = { type };
  for (const setting of info.settings) if (setting.default !== null) layer[setting.name] = setting.default;
  const fitting = index === null ? insertionPoint(S.catalog.peek(), S.session.peek(), currentLayers(), type) : index;
  return editLayers((layers) => {
    const at = Math.max(0, Math.min(fitting, outputIndex(layers)));
    layers.splice(at, 0, layer);
    return layers;
  });
}

export function removeLayer(index) {
  return editLayers((layers) => {
    if (index < 0 || index >= outputIndex(layers)) return null; // the output layer stays
    layers.splice(index, 1);
    return layers;
  });
}

/** Move hidden layer `from` so it lands at position `to` (counted in the list without it). */
export function moveLayer(from, to) {
  return editLayers((layers) => {
    const last = outputIndex(layers);
    if (from < 0 || from >= last) return null;
    const [layer] = layers.splice(from, 1);
    const at = Math.max(0, Math.min(to, layers.length - 1));
    if (at === from) return null;
    layers.splice(at, 0, layer);
    return layers;
  });
}

export function updateLayer(index, changes) {
  return editLayers((layers) => {
    if (!layers[index]) return null;
    Object.assign(layers[index], changes); // the same object: a refusal still finds its card
    return layers;
  });
}
