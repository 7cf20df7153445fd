// One request of a kind in flight at a time: a newer one aborts the older, so a slow answer never
// overwrites a newer one.

export class LatestRequest {
  /** @type {AbortController | null} the request in flight, if any */
  #controller = null;

  /** Abort the request in flight and start a new one; pass its signal to fetch. */
  begin() {
    this.abort();
    this.#controller = new AbortController();
    return this.#controller;
  }

  /**
   * The request of `controller` has finished: true if it was still the newest (it is forgotten then).
   * @param {AbortController} controller
   */
  end(controller) {
    if (this.#controller !== controller) return false;
    this.#controller = null;
    return true;
  }

  /** Abort the request in flight (the page moves on). */
  abort() {
    if (this.#controller) this.#controller.abort();
  }
}
