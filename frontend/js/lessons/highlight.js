// Drawing the eye to the controls a lesson names, and hiding the ones it hides. Controls carry their
// name in `data-control` (several names separated by spaces: "layer_stack model.layers"); views carry
// theirs in `data-view`. Marks are attributes, not classes, so a component re-rendering its class
// never wipes them; a MutationObserver marks elements that mount later (a view opened afterwards).
import { useEffect } from "preact/hooks";

const MARKS = { strong: "data-lesson-focus", soft: "data-lesson-mark", hide: "data-lesson-hidden" };

function names(el, attribute) {
  return (el.getAttribute(attribute) || "").split(/\s+/).filter(Boolean);
}

/** Mark every element of `root` whose control (or view) name is in one of the lists. */
function apply(root, lists) {
  for (const el of root.querySelectorAll("[data-control], [data-view]")) {
    const own = [...names(el, "data-control"), ...names(el, "data-view")];
    for (const [kind, attribute] of Object.entries(MARKS)) {
      const on = own.some((n) => lists[kind].includes(n));
      if (on && !el.hasAttribute(attribute)) el.setAttribute(attribute, "");
      else if (!on && el.hasAttribute(attribute)) el.removeAttribute(attribute);
    }
  }
}

function clear(root) {
  for (const attribute of Object.values(MARKS)) {
    for (const el of root.querySelectorAll(`[${attribute}]`)) el.removeAttribute(attribute);
  }
}

/**
 * While mounted, mark `strong` (the step's controls: outlined and pulsing), `soft` (the lesson's:
 * outlined) and `hide` (hidden). The first strong one scrolls into view when the list changes.
 * @param {{strong: string[], soft: string[], hide: string[]}} lists
 */
export function useHighlights(lists) {
  const key = JSON.stringify(lists);
  useEffect(() => {
    const root = document.body;
    let scheduled = 0;
    const observer = new MutationObserver(() => {
      if (scheduled) return;
      scheduled = requestAnimationFrame(() => {
        scheduled = 0;
        observer.disconnect(); // our own attribute changes must not re-trigger us
        apply(root, lists);
        observer.observe(root, { childList: true, subtree: true });
      });
    });
    apply(root, lists);
    observer.observe(root, { childList: true, subtree: true });
    const first = root.querySelector(`[${MARKS.strong}]`);
    if (first) first.scrollIntoView({ block: "nearest", inline: "nearest" });
    return () => {
      observer.disconnect();
      cancelAnimationFrame(scheduled);
      clear(root);
    };
  }, [key]);
}
