// Hand-made convolution kernels (concept 17): each preset is a function of the kernel's size, so it
// fits any kernel_size the catalog allows, not only 3×3. Values are row by row (kh rows of kw).

/** Sobel-like: negative on the left, positive on the right, the middle row counted twice. */
function verticalEdge(kh, kw) {
  const mid = (kw - 1) / 2;
  const midRow = (kh - 1) / 2;
  return Array.from({ length: kh }, (_, r) =>
    Array.from({ length: kw }, (_, c) => Math.sign(c - mid) * (r === midRow ? 2 : 1)),
  );
}

function horizontalEdge(kh, kw) {
  const mid = (kh - 1) / 2;
  const midCol = (kw - 1) / 2;
  return Array.from({ length: kh }, (_, r) =>
    Array.from({ length: kw }, (_, c) => Math.sign(r - mid) * (c === midCol ? 2 : 1)),
  );
}

/** 1 on both diagonals, −1 elsewhere: it answers most to an X. */
function xPattern(kh, kw) {
  return Array.from({ length: kh }, (_, r) =>
    Array.from({ length: kw }, (_, c) => {
      const down = Math.round((r * (kw - 1)) / Math.max(1, kh - 1));
      return c === down || c === kw - 1 - down ? 1 : -1;
    }),
  );
}

/** The mean of the window. */
function blur(kh, kw) {
  return Array.from({ length: kh }, () => Array.from({ length: kw }, () => 1 / (kh * kw)));
}

/** 1 at the centre (the upper-left of the four for an even size): the input passes unchanged. */
function identity(kh, kw) {
  const cr = Math.floor((kh - 1) / 2);
  const cc = Math.floor((kw - 1) / 2);
  return Array.from({ length: kh }, (_, r) => Array.from({ length: kw }, (_, c) => (r === cr && c === cc ? 1 : 0)));
}

/** The presets in the order the editor shows them; `name` also names its i18n key (kernel.preset.<name>). */
export const PRESETS = [
  { name: "vertical", make: verticalEdge },
  { name: "horizontal", make: horizontalEdge },
  { name: "x", make: xPattern },
  { name: "blur", make: blur },
  { name: "identity", make: identity },
];
