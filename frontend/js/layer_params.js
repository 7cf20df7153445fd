// @ts-check
// What the catalog says about each layer type's parameters (the engine's layer classes publish
// them: engine/layers/base.py `param_names`, `painted_params`), so the browser keeps no table of
// its own: the block graph paints the painted ones, the landscape lists them in the engine's order.

/**
 * The catalog's entry of a layer type, or null.
 * @param {any} catalog GET /api/catalog
 * @param {string} type
 */
function layerInfo(catalog, type) {
  return (catalog && catalog.layers.find((/** @type {{type: string}} */ l) => l.type === type)) || null;
}

/**
 * The parameters a layer type's block paints (the weights, as the weights records name them).
 * @param {any} catalog @param {string} type @returns {string[]}
 */
export function paintedParams(catalog, type) {
  const info = layerInfo(catalog, type);
  return info ? info.painted_params : [];
}

/**
 * Where parameter `param` comes within a layer of type `type` in the engine's order (unknown ones last).
 * @param {any} catalog @param {string} type @param {string} param @returns {number}
 */
export function paramRank(catalog, type, param) {
  const info = layerInfo(catalog, type);
  const at = info ? info.params.indexOf(param) : -1;
  return at < 0 ? Number.MAX_SAFE_INTEGER : at;
}
