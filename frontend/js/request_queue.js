// Requests that must reach the server one after another (so quick clicks arrive in order): each
// task starts when the one before it has finished, whether that one succeeded or failed.

export class RequestQueue {
  /** @type {Promise<unknown>} settles when the last task queued has finished */
  #tail = Promise.resolve();

  /**
   * Run `task` after every task queued before it; its promise.
   * @template T
   * @param {() => Promise<T>} task
   * @returns {Promise<T>}
   */
  run(task) {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => {});
    return result;
  }
}
