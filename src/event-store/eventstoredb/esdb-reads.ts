import type { StreamingRead } from '@eventstore/db-client';

/*
 * Reads in @eventstore/db-client 6.2.1 are gRPC server streams behind a Node Transform. Leaving a
 * `for await` early destroys the Transform but not the gRPC call, which the server keeps open (and
 * counts against the connection's 100 concurrent streams) until it is cancelled. And every read is
 * built with `deadline: Infinity`, whatever deadline the caller passes.
 */

/**
 * Hands each item to `onItem` until the read ends or `onItem` returns false; a read not read to its
 * end (stopped, or `onItem` threw) has its gRPC call cancelled. True when the read was read to the end.
 */
export const consume = async <E>(
  read: StreamingRead<E>,
  onItem: (item: E) => boolean | void,
): Promise<boolean> => {
  let ended = false;
  try {
    for await (const item of read) {
      if (onItem(item) === false) return false;
    }
    ended = true;
    return true;
  } finally {
    if (!ended) await read.cancel().catch(() => undefined);
  }
};

export class ReadDeadlineError extends Error {
  readonly code = 'STORE.DEADLINE_EXCEEDED';
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'ReadDeadlineError';
  }
}

/**
 * `work` (consuming `read`) within `ms`, else the call is cancelled and this rejects. A cancelled
 * call ends the Transform with no event at all, so waiting for `work` alone could hang.
 */
export const within = <T>(
  work: Promise<T>,
  read: StreamingRead<unknown>,
  ms: number,
  what: string,
): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      void read.cancel().catch(() => undefined);
      read.destroy();
      reject(new ReadDeadlineError(what, ms));
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
