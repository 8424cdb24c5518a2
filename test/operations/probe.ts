const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Probed {
  /** Milliseconds from `since` to the answer that ended the wait. */
  afterMs: number;
  /** Answers before that one (refusals while waiting for acceptance, and the reverse). */
  before: number;
}

/** Presents the same request until `done(status)`, every `everyMs`; times it from `since`. */
export async function probeUntil(
  what: string,
  since: number,
  send: () => Promise<number>,
  done: (status: number) => boolean,
  timeoutMs: number,
  everyMs = 100,
): Promise<Probed> {
  let before = 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await send();
    if (done(status)) return { afterMs: Date.now() - since, before };
    before++;
    if (Date.now() > deadline) throw new Error(`${what}: still ${status} after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}
