// Where a new layer fits in the stack, from what the catalog says each layer type takes: the ranks
// of input it accepts (1 features, 2 a sequence, 3 an image; null any), the rank of its output
// (null: its input's), and the kinds of data it suits. The palette greys out what does not suit
// the data and its "+" inserts where the layer fits (a conv before Flatten on an image network),
// rather than always just before the output. Pure functions: the callers pass catalog and state.

/** @typedef {import("../types/wire").Catalog} Catalog */
/** @typedef {import("../types/wire").LayerInfo} LayerInfo */

/** @param {Catalog} catalog @param {string} type @returns {LayerInfo | undefined} */
function infoOf(catalog, type) {
  return catalog.layers.find((l) => l.type === type);
}

/** Whether a layer of `info` takes an input of `rank` (unknown types: let the server judge). */
function takes(info, rank) {
  return !info || info.input_ranks === null || info.input_ranks === undefined || info.input_ranks.includes(rank);
}

/** The rank a layer of `info` gives for an input of `rank`, by the catalog (default settings). */
function gives(info, rank) {
  return info && info.output_rank !== null && info.output_rank !== undefined ? info.output_rank : rank;
}

/**
 * The rank flowing into each place of `layers`: ranks[i] is layer i's input, ranks[n] the output's.
 * From the server's layer summaries when they describe this very list (they know settings such as
 * an RNN's return_sequences), else walked through the catalog from the input shape.
 * @param {Catalog} catalog
 * @param {{model: {input_shape: number[], layers: {type: string}[]}, layers: {output_shape: number[]}[]}} state
 * @param {{type: string}[]} layers the list as the user sees it (a pending edit included)
 * @returns {number[]}
 */
export function ranksAlong(catalog, state, layers) {
  const ranks = [state.model.input_shape.length];
  const summaries = layers === state.model.layers ? state.layers : null;
  layers.forEach((layer, i) => {
    ranks.push(summaries && summaries[i] ? summaries[i].output_shape.length : gives(infoOf(catalog, layer.type), ranks[i]));
  });
  return ranks;
}

/**
 * Whether inserting a layer of `info` at `at` (before layers[at]) leaves every later layer an
 * input it takes and the output the rank it has now (the data's targets decide that one).
 */
function fitsAt(catalog, info, layers, ranks, at) {
  if (!takes(info, ranks[at])) return false;
  let rank = gives(info, ranks[at]);
  for (let j = at; j < layers.length; j++) {
    const next = infoOf(catalog, layers[j].type);
    if (!takes(next, rank)) return false;
    // A layer whose input is unchanged gives what it gives now; otherwise ask the catalog.
    rank = rank === ranks[j] ? ranks[j + 1] : gives(next, rank);
  }
  return rank === ranks[layers.length];
}

/**
 * The index at which "+" inserts a new layer of `type` into `layers` (the last entry is the output,
 * which stays last): the place nearest the output where it fits; where it fits nowhere, just before
 * the output (the server then says what is wrong).
 * @param {Catalog} catalog
 * @param {any} state the session state (model, layers)
 * @param {{type: string}[]} layers
 * @param {string} type
 * @returns {number}
 */
export function insertionPoint(catalog, state, layers, type) {
  const info = infoOf(catalog, type);
  const output = layers.length - 1;
  if (!info || !state) return output;
  const ranks = ranksAlong(catalog, state, layers);
  for (let at = output; at >= 0; at--) if (fitsAt(catalog, info, layers, ranks, at)) return at;
  return output;
}

/**
 * Whether layers of `type` suit data of `kind` ("points" | "image" | "sequence" | "table"), by the
 * catalog; the palette greys out (and disables) the others.
 * @param {Catalog} catalog @param {string} type @param {string} kind
 */
export function suitsData(catalog, type, kind) {
  const info = infoOf(catalog, type);
  return !info || !info.data_kinds || info.data_kinds.length === 0 || info.data_kinds.includes(kind);
}
