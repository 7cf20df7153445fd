// The lessons' door, loaded with the page: the header's button and stand-ins for the picker and the
// panel (js/lazy.js). The lessons' own modules (14 of them, a tenth of the page) load the first time
// they are needed: the picker is opened, a lesson runs, or one kept in the browser's progress is to
// be restored (the panel restores it). The page's first load stays within its budget (issue 14;
// docs/decisions.md, "Serving the page").
import { html } from "htm/preact";
import { t } from "../i18n.js";
import { lazyComponent } from "../lazy.js";
import * as L from "./state.js";
import { readProgress } from "./progress.js";

const needed = () => L.pickerOpen.value || L.active.value !== null || readProgress() !== null;
const LessonPicker = lazyComponent(() => import("./picker.js"), "LessonPicker", needed);
const LessonPanel = lazyComponent(() => import("./panel.js"), "LessonPanel", needed);

function openPicker() {
  import("./actions.js").then(
    (actions) => actions.openPicker(),
    (err) => console.warn("NeuroPlay: the lessons did not load", err), // the next press tries again
  );
}

/** The header button that opens the picker. */
export function LessonsButton() {
  return html`<button class="btn btn-ghost lesson-open" data-testid="lessons-button" onClick=${openPicker}
    aria-haspopup="dialog" title=${t("lesson.openLabel")}>${t("lesson.open")}</button>`;
}

/** The picker, and the panel while the page is ready (`ready`). */
export function Lessons({ ready }) {
  return html`${ready ? html`<${LessonPanel} />` : null}<${LessonPicker} />`;
}
