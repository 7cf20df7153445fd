// Downloads of the open session: its spec, its weights, a PyTorch script.
import { api } from "./api.js";
import * as S from "./state.js";

// ---------------------------------------------------------------- downloads
const DOWNLOAD_NAMES = { spec: "spec.json", weights: "weights.npz", pytorch: "model.py" };

/** Save the session's spec, weights or PyTorch script as a file. Returns null, or the error message. */
export async function download(what) {
  const id = S.sessionId.peek();
  try {
    const { blob, filename } = await api.download(id, what);
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = filename || `neuroplay-${id}-${DOWNLOAD_NAMES[what]}`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
    return null;
  } catch (err) {
    return err.message;
  }
}

