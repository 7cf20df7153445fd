// UI text in English and Chinese. Every string the UI shows comes from here via t(key, params);
// components that call t() re-render when the language changes (lang is a signal).
import { signal } from "@preact/signals";
import enMessages from "../locales/en.json" with { type: "json" };

const LANG_KEY = "neuroplay.lang";

// The message catalogs: one JSON file per language (frontend/locales/), keys grouped by namespace
// ({"ctl": {"play": "Play"}} is the key "ctl.play"). tests/test_locales.py checks that the languages
// have the same keys, that every key the code uses exists and that none is unused.

/** {"a": {"b": "text"}} -> {"a.b": "text"} */
function flatten(tree, prefix = "", out = {}) {
  for (const [name, value] of Object.entries(tree)) {
    if (typeof value === "string") out[prefix + name] = value;
    else flatten(value, `${prefix}${name}.`, out);
  }
  return out;
}

const en = flatten(enMessages);
const LANGUAGES = ["en", "zh"];
/** Chinese, once fetched: an English page does not load it (17 KB of the first load's budget, issue
 * 14); a Chinese page loads it before its first render (main.js), a switch before switching. */
const zh = signal(/** @type {Record<string, string> | null} */ (null));

/** The messages of `language` (English until Chinese has arrived; English has every key). */
export function messagesOf(language) {
  return (language === "zh" && zh.value) || en;
}

/** The one fetch of the Chinese file, in flight or done (a failed one is tried again next time). */
const zhLoading = signal(/** @type {Promise<void> | null} */ (null));

/** Fetch the catalog of `language` if it is not here yet. */
export function loadLanguage(language) {
  if (language !== "zh" || zh.peek()) return Promise.resolve();
  if (!zhLoading.peek()) {
    zhLoading.value = import("../locales/zh.json", { with: { type: "json" } }).then(
      (module) => {
        zh.value = flatten(module.default);
      },
      (err) => {
        zhLoading.value = null;
        throw err;
      },
    );
  }
  return /** @type {Promise<void>} */ (zhLoading.peek());
}

function initialLang() {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved && LANGUAGES.includes(saved)) return saved;
  } catch {
    /* ignore */
  }
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

/** The current language, "en" or "zh". */
export const lang = signal(initialLang());
/** The language last asked for: it becomes `lang` once its texts are here (two quick switches end
 * where the second asked, not where the first's fetch finishes). */
const asked = signal(lang.peek());
// A Chinese page starts its fetch now, while the other modules load (main.js waits for it).
loadLanguage(lang.peek()).catch(() => {}); // main.js reports a failure

export async function setLang(value) {
  if (!LANGUAGES.includes(value)) return;
  asked.value = value;
  try {
    await loadLanguage(value);
  } catch (err) {
    if (asked.peek() === value) asked.value = lang.peek();
    console.warn("NeuroPlay: the Chinese texts did not load", err);
    return;
  }
  if (asked.peek() !== value) return; // switched again meanwhile
  lang.value = value;
  document.documentElement.lang = value === "zh" ? "zh-CN" : "en";
  try {
    localStorage.setItem(LANG_KEY, value);
  } catch {
    /* ignore */
  }
}

export function toggleLang() {
  setLang(asked.peek() === "zh" ? "en" : "zh");
}

/** The message `key` in the current language with {name} placeholders filled from `params`. */
export function t(key, params) {
  const text = messagesOf(lang.value)[key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Like t(), but `fallback` (e.g. the catalog's own label) for keys no catalog has. */
export function tOr(key, fallback, params) {
  return key in messagesOf(lang.value) || key in en ? t(key, params) : fallback;
}

/** Numbers in the current locale (grouped digits). */
export function formatInt(n) {
  return Number(n).toLocaleString(lang.value === "zh" ? "zh-CN" : "en-US");
}

document.documentElement.lang = lang.peek() === "zh" ? "zh-CN" : "en";
