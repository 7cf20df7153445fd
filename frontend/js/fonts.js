// The page's font stack for canvas text. A canvas does not inherit CSS, so text drawn there (class
// names, which are Chinese in the Chinese UI) names the faces itself: the same stack as the page's
// --font in css/app.css, with its CJK fallbacks, read from the stylesheet rather than copied.
const FALLBACK = "system-ui, sans-serif";

/**
 * A canvas `font` string of `px` pixels (and an optional weight such as "600") in the page's faces.
 * @param {number} px
 * @param {string} [weight]
 */
export function canvasFont(px, weight = "") {
  const stack = getComputedStyle(document.documentElement).getPropertyValue("--font").trim() || FALLBACK;
  return `${weight ? `${weight} ` : ""}${px}px ${stack}`;
}
