// Calls made in the same turn of the event loop, sent together: the indexer handles the notes of a stream batch side
// by side, and their reads of document records and their entry writes would otherwise cost one DynamoDB request
// each (a batch of 50 new notes: 50 GetItem and 50 BatchWriteItem requests of a few items; together, one
// BatchGetItem and a handful of full BatchWriteItem requests).

/**
 * A function whose calls are collected until the event loop's next turn (setImmediate) and then handed to `send`
 * together; `send` answers in the order of its items. When a shared request fails, each call is sent again on its
 * own, so one bad item fails only its own caller (the stream consumer then retries only that note).
 */
export function coalesced<T, R>(send: (items: T[]) => Promise<R[]>): (item: T) => Promise<R> {
  let queue: Array<{ item: T; resolve: (value: R) => void; reject: (error: unknown) => void }> = [];

  const sendAlone = async (entry: (typeof queue)[number]) => {
    try {
      const [result] = await send([entry.item]);
      entry.resolve(result as R);
    } catch (error) {
      entry.reject(error);
    }
  };

  const flush = async () => {
    const entries = queue;
    queue = [];
    if (entries.length === 1) return sendAlone(entries[0] as (typeof entries)[number]);
    try {
      const results = await send(entries.map((entry) => entry.item));
      entries.forEach((entry, i) => entry.resolve(results[i] as R));
    } catch {
      await Promise.all(entries.map(sendAlone));
    }
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      if (queue.length === 0) setImmediate(() => void flush());
      queue.push({ item, resolve, reject });
    });
}
