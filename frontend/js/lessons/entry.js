// The lessons' door, loaded with the page: the header's button and a placeholder for the picker and the
// panel. The lessons' own modules (14 of them, a tenth of the page) load the first time they are
// needed: the button is pressed, or a lesson kept in the browser's progress is to be restored. The
// page's first load stays within its budget (issue 14; docs/decisions.md, "Serving the page").
import { html } from "htm/preact";
import { signal } from "@preact/signals";
import { t } from "../i18n.js";
import { readProgress } from "./progress.js";

/** The picker and the panel once their modules are here; null until then. */
const loaded = signal(/** @type {{Picker: any, Panel: any} | null} */ (null));
/** The one load in flight or done (the modules are fetched once). */
const loading = signal(/** @type {Promise<void> | null} */ (null));

/** Fetch the picker's and the panel's modules (once); a failed fetch is tried again next time. */
function load() {
  if (!loading.peek()) {
    loading.value = Promise.all([import("./picker.js"), import("./panel.js")]).then(
      ([picker, panel]) => {
        loaded.value = { Picker: picker.LessonPicker, Panel: panel.LessonPanel };
      },
      (err) => {
        loading.value = null;
        console.warn("NeuroPlay: the lessons did not load", err);
      },
    );
  }
  return /** @type {Promise<void>} */ (loading.peek());
}

async function openPicker() {
  await load();
  if (loaded.peek()) (await import("./actions.js")).openPicker(); // loaded with the picker: cached
}

/** The header button that opens the picker. */
export function LessonsButton() {
  return html`<button class="btn btn-ghost lesson-open" data-testid="lessons-button" onClick=${openPicker}
    aria-haspopup="dialog" title=${t("lesson.openLabel")}>${t("lesson.open")}</button>`;
}

/** The picker, and the panel while the page is ready (`ready`); nothing until they are needed. */
export function Lessons({ ready }) {
  if (!loaded.value && readProgress()) load(); // a lesson to come back to: its panel restores it
  const parts = loaded.value;
  if (!parts) return null;
  return html`${ready ? html`<${parts.Panel} />` : null}<${parts.Picker} />`;
}
