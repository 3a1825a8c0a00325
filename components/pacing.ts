/**
 * Pacing of resource construction. A resource's constructor only starts its registration: the SDK
 * prepares and sends it on later turns of the event loop, and until then it holds every output the
 * resource will have (about 100 KB a resource). A program that constructs thousands of resources in
 * one synchronous pass holds all of them at once and sends the engine nothing until the pass ends:
 * 6,000 resources took 1.2 GB in the plan's evaluation. Giving the event loop a turn after
 * each batch lets the SDK send what was constructed, so at most a batch or two is held at a time.
 * It waits for no answer from the engine: under `pulumi up` the engine creates in parallel as before.
 */

/** Items (each a resource or a few) constructed between two turns of the event loop. */
export const constructionBatch = 50;

/** Resolves on the event loop's next turn, after the I/O and timers due by then. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Calls `construct` for each item, giving the event loop a turn after every `batch` items. */
export async function inBatches<T>(items: readonly T[], construct: (item: T, index: number) => void, batch = constructionBatch): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % batch === 0) await nextTurn();
    construct(items[i], i);
  }
}
