// The catalog's entries (GET /api/catalog) in the learner's language. The catalog names things by
// id (a layer type, an activation, a setting); the locales hold their labels and tooltips keyed by
// those ids (tests/test_catalog_labels.py checks that every entry has one in every language). The
// catalog's own English text is the fallback for an id no locale knows yet (a newer server).
import { tOr } from "./i18n.js";

/** A choice of a layer setting (an activation, a padding) by its label. */
export function choiceLabel(settingName, value) {
  if (settingName === "activation") return activationLabel(value);
  if (settingName === "padding") return tOr(`padding.${value}`, value);
  return value;
}

/** An activation function's name. */
export function activationLabel(name) {
  return tOr(`activation.${name}`, name);
}

/**
 * A layer setting's tooltip.
 * @param {string} layerType
 * @param {{name: string, description: string}} setting
 */
export function settingTip(layerType, setting) {
  return tOr(`settingDesc.${layerType}.${setting.name}`, setting.description);
}

/** A class of a dataset by its label (digits are their own names). */
export function classLabel(name) {
  return tOr(`className.${name}`, name);
}
