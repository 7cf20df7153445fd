// Where a refused change of the layer list shows its error, and in what words. The server names the
// layer by its index in the list it was sent (counting from 0, as the spec does); after a refusal the
// stack shows the server's list again, so that index may point at another card (a refused new layer
// at index 3 is not the Output card at index 3). The error goes to the card the layer had before
// the change, or, for a layer that was being added, in its place in the stack; it names the layer
// as the cards do ("Hidden 4 · Conv 2-D", counting from 1).
import { ApiError } from "./api.js";
import { t, tOr } from "./i18n.js";
import { problemText } from "./problems.js";

/** A layer type's name in the current language (the catalog's label for types we have no text for). */
export function layerTypeName(catalog, type) {
  const info = catalog && catalog.layers.find((l) => l.type === type);
  return tOr(`layer.${type}`, info ? info.label : type);
}

/** The card title of position `index` in a list of `count` layers: "Hidden 2" or "Output". */
export function cardTitle(index, count) {
  return index === count - 1 ? t("net.output") : t("net.hidden", { n: index + 1 });
}

/**
 * What the server said is wrong with layer `at`, without its own "layer 3 (conv2d)" start: the
 * detail entry that locates that layer (its msg is the reason alone; the setting it names, if any,
 * is put in front), else the whole message.
 * @param {ApiError} err @param {number} at
 */
export function reasonFor(err, at) {
  for (const entry of err.detail || []) {
    const loc = Array.isArray(entry.loc) ? entry.loc : [];
    const k = loc.indexOf("layers");
    if (k < 0 || loc[k + 1] !== at || typeof entry.msg !== "string") continue;
    // pydantic's loc goes on past the index: the type tag, then the setting ("units").
    const setting = loc.slice(k + 3).join(".");
    return setting ? `${setting}: ${entry.msg}` : entry.msg;
  }
  return err.message;
}

/**
 * Where and how to show `err`, the refusal of the layer list `sent`. `origins[i]` is the index in
 * the list shown before the change of sent[i], or -1 for a layer the change added.
 * Returns {layer, insertedAt, message}: `layer` the card to mark (null: none), `insertedAt` the
 * place of a refused new layer in the stack (null: none); or null when the error names no layer.
 * @param {unknown} err
 * @param {{type: string}[]} sent
 * @param {number[]} origins
 * @param {number} shownCount how many layers the stack shows once the change is undone
 * @param {import("../types/wire").Catalog} catalog
 */
export function placeLayerError(err, sent, origins, shownCount, catalog) {
  if (!(err instanceof ApiError) || err.layer === null || !sent[err.layer]) return null;
  const at = err.layer;
  // A coded problem is in the learner's language and names the layer as the cards count (err.message
  // renders it); an uncoded one is the server's English, whose own "layer 3 (conv2d)" start is cut.
  const coded = Boolean(err.problem && err.problem.code);
  const reason = coded ? err.message : reasonFor(err, at);
  /** The coded problem numbered as the card it lands on (the server numbered the list it was sent). */
  const onCard = (/** @type {number} */ index) =>
    problemText({ ...err.problem, params: { ...(err.problem.params || {}), layer: index } });
  const type = layerTypeName(catalog, sent[at].type);
  const origin = origins[at];
  if (origin === undefined || origin < 0) {
    return {
      layer: null,
      insertedAt: at,
      message: t("net.newLayerError", { layer: type, n: at + 1, reason }),
    };
  }
  return {
    layer: origin,
    insertedAt: null,
    message: coded ? onCard(origin) : t("net.layerError", { card: cardTitle(origin, shownCount), layer: type, reason }),
  };
}
