// Contour lines of a grid by marching squares: for each level, the segments where the bilinear
// surface through the four corners of a cell crosses it. Cells with a missing corner (null: a loss
// that was not finite) are left out, so a diverged corner leaves a gap rather than a wrong line.

/**
 * Segments of level `level` over `grid` (rows j, columns i; grid[j][i] a number or null), in grid
 * coordinates (i, j) with fractions: [[i1, j1, i2, j2], ...].
 * @param {(number | null)[][]} grid
 * @param {number} level
 * @returns {number[][]}
 */
export function contourSegments(grid, level) {
  const out = [];
  const rows = grid.length;
  const cols = rows ? grid[0].length : 0;
  // Where along an edge from value a to value b the level is crossed (0..1).
  const cut = (a, b) => (a === b ? 0.5 : (level - a) / (b - a));
  for (let j = 0; j + 1 < rows; j++) {
    for (let i = 0; i + 1 < cols; i++) {
      const a = grid[j][i]; // (i, j)
      const b = grid[j][i + 1]; // (i+1, j)
      const c = grid[j + 1][i + 1]; // (i+1, j+1)
      const d = grid[j + 1][i]; // (i, j+1)
      if (a === null || b === null || c === null || d === null) continue;
      const code = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      const bottom = [i + cut(a, b), j];
      const right = [i + 1, j + cut(b, c)];
      const top = [i + cut(d, c), j + 1];
      const left = [i, j + cut(a, d)];
      const push = (p, q) => out.push([p[0], p[1], q[0], q[1]]);
      switch (code) {
        case 1: case 14: push(left, bottom); break;
        case 2: case 13: push(bottom, right); break;
        case 3: case 12: push(left, right); break;
        case 4: case 11: push(right, top); break;
        case 6: case 9: push(bottom, top); break;
        case 7: case 8: push(left, top); break;
        case 5: case 10: {
          // A saddle: the centre's value decides which corners connect.
          const centre = (a + b + c + d) / 4;
          if ((centre > level) === (code === 5)) {
            push(left, top);
            push(bottom, right);
          } else {
            push(left, bottom);
            push(right, top);
          }
          break;
        }
        default: break;
      }
    }
  }
  return out;
}

/**
 * `count` levels between the grid's smallest and largest finite values, evenly spaced in log(loss)
 * when every value is positive (losses span decades near a minimum), else evenly.
 * @param {(number | null)[][]} grid
 * @param {number} count
 */
export function contourLevels(grid, count) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of grid) {
    for (const v of row) {
      if (v === null) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi > lo)) return { levels: [], lo, hi, log: false };
  const log = lo > 0;
  const [a, b] = log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
  const levels = Array.from({ length: count }, (_, k) => {
    const v = a + ((k + 1) * (b - a)) / (count + 1);
    return log ? Math.exp(v) : v;
  });
  return { levels, lo, hi, log };
}
