// View "weights": the parameters of every layer. Drawn as edges of the neuron graph
// (views/graph_view.js) and as kernel tiles and matrices on the layer blocks (views/block_graph.js).
export const place = "overlay";
