// A table of values against the training step, for views that draw a history (gradient norms,
// percentile bands): one row per step, one column per series key, bounded. Past `limit` rows the
// table halves: two neighbouring rows become one holding, per series, the larger value, so a
// spike is never thinned away (the server thins its series the same way).

/** An empty table (kept in S.viewStores by the view that owns it). */
export function createSeriesTable(limit = 2000) {
  return { limit, steps: [], rows: new Map(), columns: new Map() };
}

/** The column of `key` (an array aligned with table.steps; null where nothing arrived). */
export function column(table, key) {
  let col = table.columns.get(key);
  if (!col) {
    col = new Array(table.steps.length).fill(null);
    table.columns.set(key, col);
  }
  return col;
}

/**
 * The row of `step`: its own, or appended when it is newer than every row. A step older than the
 * newest row belongs to the row covering it (the last whose step is not after it): after halving, a
 * row covers the steps up to the next row's.
 */
function rowOf(table, step) {
  const found = table.rows.get(step);
  if (found !== undefined) return found;
  const n = table.steps.length;
  if (n && step < table.steps[n - 1]) {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (table.steps[mid] <= step) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  table.steps.push(step);
  for (const col of table.columns.values()) col.push(null);
  table.rows.set(step, n);
  return n;
}

function larger(a, b) {
  if (a === null) return b;
  if (b === null) return a;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Number.isNaN(a) ? a : Number.isNaN(b) ? b : Math.max(a, b);
  return Math.max(a, b);
}

function halve(table) {
  const steps = [];
  for (let i = 0; i < table.steps.length; i += 2) steps.push(table.steps[i]);
  for (const [key, col] of table.columns) {
    const merged = [];
    for (let i = 0; i < col.length; i += 2) merged.push(i + 1 < col.length ? larger(col[i], col[i + 1]) : col[i]);
    table.columns.set(key, merged);
  }
  table.steps = steps;
  table.rows = new Map(steps.map((s, i) => [s, i]));
}

/** Put `value` at `step` in series `key` (the larger one if the row already has a value there). */
export function put(table, key, step, value) {
  column(table, key);
  const row = rowOf(table, step);
  const col = table.columns.get(key);
  col[row] = col[row] === null || col[row] === undefined ? value : larger(col[row], value);
  if (table.steps.length > table.limit) halve(table);
}

/**
 * A thinned series record (header first_step, stride; value j covers steps first_step + j*stride
 * onwards): each value goes in at the first step of its stretch.
 */
export function putSeries(table, key, header, data) {
  const first = header.first_step ?? header.step - data.length + 1;
  const stride = header.stride || 1;
  for (let j = 0; j < data.length; j++) put(table, key, first + j * stride, data[j]);
}
