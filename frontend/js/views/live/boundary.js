// View "boundary": the network's output over the input plane. Drawn by views/boundary_view.js
// (the decision boundary), which watches it while it is on screen.
export const place = "overlay";
