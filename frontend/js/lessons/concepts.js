// The 25 concepts the playground teaches (/work/shared/concepts.md), by number, with their English
// and Chinese names. The picker shows both names whatever the UI language: many learners meet these
// ideas under the Chinese term, others under the English one.

/** @type {Readonly<Record<number, {en: string, zh: string}>>} */
export const CONCEPTS = Object.freeze({
  1: { en: "neuron", zh: "神经元" },
  2: { en: "weights", zh: "权重" },
  3: { en: "bias", zh: "偏差" },
  4: { en: "activation function", zh: "激活函数" },
  5: { en: "neural network", zh: "神经网络" },
  6: { en: "input / hidden / output layers", zh: "输入/隐藏/输出层" },
  7: { en: "MLP", zh: "多层感知器" },
  8: { en: "forward propagation", zh: "正向传播" },
  9: { en: "cost function", zh: "成本函数" },
  10: { en: "gradient descent", zh: "梯度下降" },
  11: { en: "learning rate", zh: "学习率" },
  12: { en: "backpropagation", zh: "反向传播" },
  13: { en: "batches", zh: "批次" },
  14: { en: "epochs", zh: "周期" },
  15: { en: "dropout", zh: "丢弃" },
  16: { en: "batch normalization", zh: "批量归一化" },
  17: { en: "filters", zh: "滤波器" },
  18: { en: "CNN", zh: "卷积神经网络" },
  19: { en: "pooling", zh: "池化" },
  20: { en: "padding", zh: "填充" },
  21: { en: "data augmentation", zh: "数据增强" },
  22: { en: "recurrent neuron", zh: "循环神经元" },
  23: { en: "RNN and backpropagation through time", zh: "循环神经网络, BPTT" },
  24: { en: "vanishing gradient", zh: "消失梯度" },
  25: { en: "exploding gradient", zh: "激增梯度" },
});

/** "15 dropout · 丢弃" for concept 15. */
export function conceptName(n) {
  const c = CONCEPTS[n];
  return c ? `${n} ${c.en} · ${c.zh}` : String(n);
}
