// View "neurons": every unit's output over the input plane. Drawn into the nodes of the neuron graph
// (views/graph_view.js), which watches it while it is on screen.
export const place = "overlay";
