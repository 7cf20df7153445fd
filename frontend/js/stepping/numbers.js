// How the stepping bar, the graph's badges and the inspector write numbers: four significant
// digits (the full value rides along in data-value for anyone who wants it), "—" for a value the
// server sent as null (NaN or infinite).

/** A number for people: 4 significant digits, plain notation between 1e-4 and 1e5. */
export function formatValue(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-4) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** The value a data-value attribute carries: the full float, "" for none. */
export function fullValue(v) {
  return v === null || v === undefined ? "" : String(v);
}

/** Element `i` of a nested-list tensor flattened in C order (the inspect answer's arrays). */
export function flat(tensor) {
  if (tensor === null || tensor === undefined) return [];
  if (!Array.isArray(tensor)) return [tensor];
  return tensor.flat(Infinity);
}
