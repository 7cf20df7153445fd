// Server errors in the learner's language. Every error the server sends has a code and params
// (backend/neuroplay/schemas/error_codes.py) next to its English message; the text is the locale's
// `errors.<code>` with the params filled in. Params that name a catalog entry (a layer type, a
// dataset, an activation, a setting) are shown by that entry's label; `layer` (an index) is also
// given as `n`, the 1-based number the cards show. A code, or a template param, the client has no
// text for falls back to the server's English message, so nothing is ever lost.
import { messagesOf, lang, t, tOr } from "./i18n.js";

/**
 * @typedef {object} Problem
 * @property {string | null | undefined} code  an error code (ErrorResponse.code, ErrorMessage.problem)
 * @property {Record<string, unknown> | null | undefined} [params]
 * @property {string} message  the server's English text
 */

/** Params whose value is a catalog id (or one of a few words), shown by its label. */
const LABELLED = {
  type: (v) => tOr(`layer.${v}`, v),
  dataset: (v) => tOr(`dataset.${v}`, v),
  activation: (v) => tOr(`activation.${v}`, v),
  task: (v) => tOr(`task.${v}`, v),
  // a setting by its label; a query or body field that is no setting (the landscape's axes, a
  // parameter edit's index) by its name in errors.field
  field: (v) => tOr(`setting.${v}`, tOr(`errors.field.${v}`, v)),
  per: (v) => tOr(`errors.per.${v}`, v),
  cause: (v) => tOr(`errors.cause.${v}`, v),
};

const GROUPED = ["count", "limit", "size"];

/** A param as text: lists like the English message writes them, catalog ids by their label. */
function shown(name, value) {
  if (Array.isArray(value)) return `[${value.join(", ")}]`;
  if (typeof value === "string" && name in LABELLED) return LABELLED[name](value);
  // counts are grouped as the server's English writes them ("2,000,000 parameters"); bounds and
  // indices are not ("at most 1024")
  if (typeof value === "number" && GROUPED.includes(name)) return value.toLocaleString(lang.value === "zh" ? "zh-CN" : "en-US");
  return value === null || value === undefined ? value : String(value);
}

/** `template` with {name} from `values`, or null when one of its names has no value. */
function fill(template, values) {
  let complete = true;
  const text = template.replace(/\{(\w+)\}/g, (m, name) => {
    const value = values[name];
    if (value === null || value === undefined) complete = false;
    return String(value);
  });
  return complete ? text : null;
}

/** The text of `errors.<key>` in the current language with `values`, or null (no text, or a value missing). */
function render(key, values) {
  const template = messagesOf(lang.value)[key] ?? messagesOf("en")[key];
  return template === undefined ? null : fill(template, values);
}

/** Every param shown, plus `n` for a layer index. */
function valuesOf(params) {
  const values = {};
  for (const [name, value] of Object.entries(params || {})) values[name] = shown(name, value);
  if (Number.isInteger(params && params.layer)) values.n = Number(params.layer) + 1;
  // `what` went wrong (a divergence's loss or a layer's outputs; what a rate limit counts): words
  // that may name the layer themselves.
  if (params && typeof params.what === "string") values.what = render(`errors.what.${params.what}`, values) ?? params.what;
  return values;
}

/** Where an invalid field is, in words: "Hidden layer 2 (Dense) · Units", a setting's label, or its path. */
function whereOf(values) {
  if (values.n !== undefined) {
    const layer = render(values.type ? "errors.atLayerOfType" : "errors.atLayer", values);
    return values.field ? `${layer} · ${values.field}` : layer;
  }
  return values.field ?? values.where;
}

/** What is wrong with an invalid field, in words (pydantic's English for reasons we have no text for). */
function reasonOf(params, values) {
  const reason = render(`errors.reason.${params.reason}`, values);
  return reason ?? String(params.detail ?? "");
}

/**
 * The problem in the current language (read it while rendering: it follows the language switch).
 * @param {Problem} problem
 * @returns {string}
 */
export function problemText(problem) {
  const { code, params, message } = problem;
  if (!code) return message;
  const values = valuesOf(params);
  if (code === "invalid") {
    values.where = whereOf(values);
    values.problem = reasonOf(params || {}, values);
    const text = render("errors.invalid", values);
    if (text === null) return message;
    return params && Number(params.more) > 0 ? `${text} ${t("errors.more", { count: params.more })}` : text;
  }
  return render(`errors.${code}`, values) ?? message;
}

/**
 * An object whose `message` is the problem's text in the language current when it is read, for the
 * places that keep an error and show its message (S.lastError, the banners).
 * @param {Problem} problem
 */
export function localized(problem) {
  return {
    get message() {
      return problemText(problem);
    },
  };
}

/**
 * A failure as S.lastError keeps it: `where` ({layer, scope}) and a `message` read from the error
 * each time it is shown, so an ApiError's text follows a language switch (a plain Error's stays).
 * @param {unknown} err
 * @param {{layer: number | null, scope: string}} where
 */
export function keptError(err, where) {
  const error = err instanceof Error ? err : new Error(String(err));
  return Object.assign(
    {
      get message() {
        return error.message;
      },
    },
    where,
  );
}
