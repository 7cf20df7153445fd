// UI text in English and Chinese. Every string the UI shows comes from here via t(key, params);
// components that call t() re-render when the language changes (lang is a signal).
import { signal } from "@preact/signals";

const LANG_KEY = "neuroplay.lang";

const en = {
  "app.title": "NeuroPlay",
  "app.tagline": "Build a neural network, watch it learn",
  "boot.loading": "Loading NeuroPlay…",
  "boot.failed": "NeuroPlay could not start: {message}",
  "boot.retry": "Try again",

  "ctl.reset": "Reset",
  "ctl.resetLabel": "Reset: new random weights, step 0",
  "ctl.play": "Play",
  "ctl.pause": "Pause",
  "ctl.stepBatch": "+1 batch",
  "ctl.stepBatchLabel": "Train one batch",
  "ctl.stepEpoch": "+1 epoch",
  "ctl.stepEpochLabel": "Train one epoch",
  "ctr.epoch": "Epoch",
  "ctr.step": "Step",
  "status.label": "Status",
  "status.idle": "idle",
  "status.running": "running",
  "status.paused": "paused",
  "status.diverged": "diverged",
  "speed.label": "Speed",
  "speed.title": "Training speed: as fast as the server can, or at most this many steps per second",
  "speed.max": "max",
  "speed.value": "{n} steps/s",
  "speed.short": "{n}/s",
  "lang.switch": "中文",
  "lang.switchLabel": "切换到中文 (switch to Chinese)",
  "share.copy": "Share",
  "share.copyLabel": "Copy the link to this session",
  "share.copied": "Link copied",
  "viewOnly.badge": "View only",
  "viewOnly.note": "View only: this session belongs to someone else. You can watch it live but not change it.",
  "viewOnly.own": "Start a new session",
  "conn.connecting": "connecting…",
  "conn.closed": "offline, reconnecting…",
  "conn.open": "live",
  "conn.gone": "This session no longer exists on the server (it may have restarted).",
  "notice.missing": "That session no longer exists, so here is a new one.",
  "diverged.title": "Training diverged.",
  "error.title": "Not applied",
  "error.dismiss": "Dismiss",

  "data.title": "Data",
  "data.dataset": "Dataset",
  "data.noise": "Noise",
  "data.points": "Points",
  "data.validation": "Validation share",
  "data.split": "{train} training · {val} validation samples",
  "dataset.circle": "Circle",
  "dataset.xor": "XOR",
  "dataset.gaussians": "Gaussians",
  "dataset.spiral": "Spiral",

  "train.title": "Training",
  "train.lr": "Learning rate",
  "train.batch": "Batch size",
  "train.l2": "L2 regularisation",
  "train.loss": "Loss function",
  "train.lossAuto": "auto: {name}",
  "train.optimizer": "Optimizer",
  "loss.mse": "mean squared error",
  "loss.binary_cross_entropy": "binary cross-entropy",
  "loss.cross_entropy": "cross-entropy",

  "net.title": "Network",
  "net.palette": "Layers",
  "net.paletteHint": "Drag a layer into the stack, or press +.",
  "net.add": "Add a {layer} layer",
  "net.stack": "Layer stack",
  "net.input": "Input",
  "net.inputDesc": "{n} features: x₁, x₂",
  "net.output": "Output",
  "net.hidden": "Hidden {n}",
  "net.units": "Units",
  "net.activation": "Activation",
  "net.shape": "shape",
  "net.params": "{n} params",
  "net.total": "Total: {n} parameters",
  "net.moveUp": "Move layer {n} up",
  "net.moveDown": "Move layer {n} down",
  "net.remove": "Remove layer {n}",
  "net.moreUnits": "One more unit in layer {n}",
  "net.fewerUnits": "One unit fewer in layer {n}",
  "net.unitsOf": "Units of layer {n}",
  "net.activationOf": "Activation of layer {n}",
  "net.fixed": "set by the dataset",
  "net.dropRemove": "Drop here to remove the layer",
  "net.dragHandle": "Drag to move layer {n}",
  "net.saving": "applying…",
  "layer.dense": "Dense",
  "layer.activation": "Activation",
  "layerDesc.dense": "Fully connected: y = f(x·W + b)",
  "layerDesc.activation": "Applies f to each value",

  "graph.title": "Neurons and weights",
  "graph.hint": "Each square is one neuron's output over the input plane. Lines are weights: blue positive, orange negative, thicker = larger. Hover a neuron to see it large.",
  "graph.more": "+{n} more",
  "graph.x1": "x₁",
  "graph.x2": "x₂",

  "out.title": "Output",
  "out.boundary": "Decision boundary",
  "out.showVal": "Show validation points",
  "out.focus": "Showing neuron {name}",
  "out.trainLoss": "Training loss",
  "out.valLoss": "Validation loss",
  "out.accuracy": "Accuracy",
  "out.valAccuracy": "Val. accuracy",
  "out.class0": "class 0",
  "out.class1": "class 1",
  "chart.title": "Loss curve",
  "chart.train": "training",
  "chart.val": "validation",
  "chart.step": "step",
  "chart.log": "log",
  "chart.empty": "Press play: the loss appears here.",
  "data.features": "Input features",
  "dataset.moons": "Moons",
  "dataset.plane": "Plane",
  "dataset.gaussian_sum": "Bumps",
  "train.momentum": "Momentum μ",
  "train.clip": "Gradient clipping",
  "train.clipOff": "off",
  "train.clipTo": "norm ≤ {n}",
  "optimizer.sgd": "SGD",
  "optimizer.momentum": "SGD + momentum",
  "optimizer.nesterov": "Nesterov",
  "optimizer.adam": "Adam",
  "optimizer.rmsprop": "RMSprop",
  "loss.binary_cross_entropy_with_logits": "binary cross-entropy (logits)",
  "layer.dropout": "Dropout",
  "layer.batch_norm": "Batch norm",
  "layerDesc.dropout": "Drops random values while training",
  "layerDesc.batch_norm": "Normalises over the batch: γẐ + β",
  "setting.rate": "Rate",
  "setting.momentum": "Momentum",
  "setting.eps": "ε",
  "setting.use_bias": "Bias",
  "setting.filters": "Filters",
  "setting.kernel_size": "Kernel",
  "setting.stride": "Stride",
  "setting.padding": "Padding",
  "setting.pool_size": "Pool",
  "setting.return_sequences": "Sequences",
};

const zh = {
  "app.title": "NeuroPlay",
  "app.tagline": "搭建神经网络，看着它学习",
  "boot.loading": "NeuroPlay 加载中…",
  "boot.failed": "NeuroPlay 无法启动：{message}",
  "boot.retry": "重试",

  "ctl.reset": "重置",
  "ctl.resetLabel": "重置：重新随机初始化权重，步数归零",
  "ctl.play": "开始",
  "ctl.pause": "暂停",
  "ctl.stepBatch": "+1 批次",
  "ctl.stepBatchLabel": "训练一个批次",
  "ctl.stepEpoch": "+1 周期",
  "ctl.stepEpochLabel": "训练一个周期",
  "ctr.epoch": "周期",
  "ctr.step": "步数",
  "status.label": "状态",
  "status.idle": "空闲",
  "status.running": "训练中",
  "status.paused": "已暂停",
  "status.diverged": "已发散",
  "speed.label": "速度",
  "speed.title": "训练速度：服务器能多快就多快，或每秒最多这么多步",
  "speed.max": "最快",
  "speed.value": "每秒 {n} 步",
  "speed.short": "{n} 步/秒",
  "lang.switch": "EN",
  "lang.switchLabel": "Switch to English (切换到英文)",
  "share.copy": "分享",
  "share.copyLabel": "复制此会话的链接",
  "share.copied": "链接已复制",
  "viewOnly.badge": "只读",
  "viewOnly.note": "只读：此会话属于其他人。你可以实时观看，但不能修改。",
  "viewOnly.own": "新建一个会话",
  "conn.connecting": "连接中…",
  "conn.closed": "已断开，正在重连…",
  "conn.open": "实时",
  "conn.gone": "服务器上已没有这个会话（服务器可能重启过）。",
  "notice.missing": "该会话已不存在，已为你新建一个。",
  "diverged.title": "训练发散了。",
  "error.title": "未能应用",
  "error.dismiss": "关闭",

  "data.title": "数据",
  "data.dataset": "数据集",
  "data.noise": "噪声",
  "data.points": "样本数",
  "data.validation": "验证集比例",
  "data.split": "训练样本 {train} 个 · 验证样本 {val} 个",
  "dataset.circle": "圆形",
  "dataset.xor": "异或",
  "dataset.gaussians": "双高斯",
  "dataset.spiral": "螺旋",

  "train.title": "训练",
  "train.lr": "学习率",
  "train.batch": "批次大小",
  "train.l2": "L2 正则化",
  "train.loss": "成本函数",
  "train.lossAuto": "自动：{name}",
  "train.optimizer": "优化器",
  "loss.mse": "均方误差",
  "loss.binary_cross_entropy": "二元交叉熵",
  "loss.cross_entropy": "交叉熵",

  "net.title": "网络",
  "net.palette": "层",
  "net.paletteHint": "把层拖进层栈，或按 +。",
  "net.add": "添加{layer}层",
  "net.stack": "层栈",
  "net.input": "输入层",
  "net.inputDesc": "{n} 个特征：x₁, x₂",
  "net.output": "输出层",
  "net.hidden": "隐藏层 {n}",
  "net.units": "神经元",
  "net.activation": "激活函数",
  "net.shape": "形状",
  "net.params": "{n} 个参数",
  "net.total": "共 {n} 个参数",
  "net.moveUp": "将第 {n} 层上移",
  "net.moveDown": "将第 {n} 层下移",
  "net.remove": "删除第 {n} 层",
  "net.moreUnits": "第 {n} 层增加一个神经元",
  "net.fewerUnits": "第 {n} 层减少一个神经元",
  "net.unitsOf": "第 {n} 层的神经元数",
  "net.activationOf": "第 {n} 层的激活函数",
  "net.fixed": "由数据集决定",
  "net.dropRemove": "拖到这里删除该层",
  "net.dragHandle": "拖动以移动第 {n} 层",
  "net.saving": "应用中…",
  "layer.dense": "全连接",
  "layer.activation": "激活",
  "layerDesc.dense": "全连接：y = f(x·W + b)",
  "layerDesc.activation": "对每个值应用 f",

  "graph.title": "神经元与权重",
  "graph.hint": "每个方块是一个神经元在输入平面上的输出。连线是权重：蓝色为正，橙色为负，越粗越大。鼠标悬停可放大查看。",
  "graph.more": "另有 {n} 个",
  "graph.x1": "x₁",
  "graph.x2": "x₂",

  "out.title": "输出",
  "out.boundary": "决策边界",
  "out.showVal": "显示验证样本",
  "out.focus": "正在显示神经元 {name}",
  "out.trainLoss": "训练损失",
  "out.valLoss": "验证损失",
  "out.accuracy": "准确率",
  "out.valAccuracy": "验证准确率",
  "out.class0": "类别 0",
  "out.class1": "类别 1",
  "chart.title": "损失曲线",
  "chart.train": "训练",
  "chart.val": "验证",
  "chart.step": "步数",
  "chart.log": "对数",
  "chart.empty": "按开始后，损失曲线显示在这里。",
  "data.features": "输入特征",
  "dataset.moons": "双月",
  "dataset.plane": "平面",
  "dataset.gaussian_sum": "高斯峰",
  "train.momentum": "动量 μ",
  "train.clip": "梯度裁剪",
  "train.clipOff": "关闭",
  "train.clipTo": "范数 ≤ {n}",
  "optimizer.sgd": "SGD",
  "optimizer.momentum": "SGD + 动量",
  "optimizer.nesterov": "Nesterov",
  "optimizer.adam": "Adam",
  "optimizer.rmsprop": "RMSprop",
  "loss.binary_cross_entropy_with_logits": "二元交叉熵（logits）",
  "layer.dropout": "丢弃",
  "layer.batch_norm": "批量归一化",
  "layerDesc.dropout": "训练时随机丢弃部分值",
  "layerDesc.batch_norm": "在批次上归一化：γẐ + β",
  "setting.rate": "比例",
  "setting.momentum": "动量",
  "setting.eps": "ε",
  "setting.use_bias": "偏差",
  "setting.filters": "滤波器",
  "setting.kernel_size": "卷积核",
  "setting.stride": "步幅",
  "setting.padding": "填充",
  "setting.pool_size": "池化",
  "setting.return_sequences": "返回序列",
};

export const catalogs = { en, zh };

function initialLang() {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved && catalogs[saved]) return saved;
  } catch {
    /* ignore */
  }
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

/** The current language, "en" or "zh". */
export const lang = signal(initialLang());

export function setLang(value) {
  if (!catalogs[value]) return;
  lang.value = value;
  document.documentElement.lang = value === "zh" ? "zh-CN" : "en";
  try {
    localStorage.setItem(LANG_KEY, value);
  } catch {
    /* ignore */
  }
}

export function toggleLang() {
  setLang(lang.peek() === "zh" ? "en" : "zh");
}

/** The message `key` in the current language with {name} placeholders filled from `params`. */
export function t(key, params) {
  const text = catalogs[lang.value][key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Like t(), but `fallback` (e.g. the catalog's own label) for keys no catalog has. */
export function tOr(key, fallback, params) {
  return key in catalogs[lang.value] || key in en ? t(key, params) : fallback;
}

/** Numbers in the current locale (grouped digits). */
export function formatInt(n) {
  return Number(n).toLocaleString(lang.value === "zh" ? "zh-CN" : "en-US");
}

document.documentElement.lang = lang.peek() === "zh" ? "zh-CN" : "en";
