// Components whose modules load the first time they have something to show, so the page's first
// load carries only what it draws (issue 14's page budget; docs/decisions.md, "Serving the page").
import { html } from "htm/preact";
import { signal } from "@preact/signals";

/**
 * A component standing for `name` of the module `load()` imports. It renders nothing until `wanted()`
 * (read on each render, signals included) is true; then the module is fetched, once, and from then
 * on the real component renders with the same props.
 * @param {() => Promise<Record<string, any>>} load
 * @param {string} name
 * @param {() => boolean} [wanted]
 */
export function lazyComponent(load, name, wanted = () => true) {
  const component = signal(/** @type {any} */ (null));
  const loading = signal(/** @type {Promise<void> | null} */ (null));
  return function Lazy(props) {
    const Real = component.value;
    if (Real) return html`<${Real} ...${props} />`;
    if (wanted() && !loading.peek()) {
      loading.value = load().then(
        (module) => {
          component.value = module[name];
        },
        (err) => {
          loading.value = null; // a later render tries again
          console.warn(`NeuroPlay: could not load ${name}`, err);
        },
      );
    }
    return null;
  };
}
