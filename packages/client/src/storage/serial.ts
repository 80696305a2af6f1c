/**
 * Runs an adapter's operations one after another, in call order. A write that encrypts first
 * must not be overtaken by a later delete, and a read must see the writes called before it.
 */
export type Serial = <T>(operation: () => Promise<T>) => Promise<T>;

export function createSerial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return (operation) => {
    const result = tail.then(operation, operation);
    // The caller receives the failure through `result`; the queue only needs to know it ended.
    tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
}
