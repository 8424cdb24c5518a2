import { IdempotencyStore } from './idempotency-store.js';
import { IdempotencyKeyReusedError } from './notifications.errors.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('IdempotencyStore', () => {
  let now: number;
  let store: IdempotencyStore<string>;
  let runs: number;
  const work = (value: string) => () => {
    runs += 1;
    return Promise.resolve(value);
  };

  beforeEach(() => {
    now = 1_000_000;
    runs = 0;
    store = new IdempotencyStore<string>({ maxKeys: 2, ttlMs: 60_000, now: () => now });
  });

  it('runs the work once per key and answers repeats with the remembered value', async () => {
    await expect(store.run('k', 'f', work('first'))).resolves.toEqual({
      value: 'first',
      duplicate: false,
    });
    await expect(store.run('k', 'f', work('second'))).resolves.toEqual({
      value: 'first',
      duplicate: true,
    });
    await expect(store.run('other', 'f', work('third'))).resolves.toEqual({
      value: 'third',
      duplicate: false,
    });
    expect(runs).toBe(2);
  });

  it('lets concurrent calls with the same key share the run in flight', async () => {
    const pending = deferred<string>();
    const first = store.run('k', 'f', () => {
      runs += 1;
      return pending.promise;
    });
    const second = store.run('k', 'f', work('must not run'));

    pending.resolve('shared');
    await expect(first).resolves.toEqual({ value: 'shared', duplicate: false });
    await expect(second).resolves.toEqual({ value: 'shared', duplicate: true });
    expect(runs).toBe(1);
  });

  it('forgets a failed run: callers that shared it fail, the next call runs again', async () => {
    const pending = deferred<string>();
    const failure = new Error('smtp down');
    const first = store.run('k', 'f', () => pending.promise);
    const second = store.run('k', 'f', work('must not run'));

    pending.reject(failure);
    await expect(first).rejects.toBe(failure);
    await expect(second).rejects.toBe(failure);
    expect(runs).toBe(0);

    await expect(store.run('k', 'f', work('retried'))).resolves.toEqual({
      value: 'retried',
      duplicate: false,
    });
  });

  it('refuses a key reused for a different request, completed or still in flight', async () => {
    const pending = deferred<string>();
    const inFlight = store.run('busy', 'f1', () => pending.promise);
    await expect(store.run('busy', 'f2', work('x'))).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    pending.resolve('done');
    await inFlight;

    await expect(store.run('busy', 'f2', work('x'))).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(runs).toBe(0);
  });

  it('remembers a key for the TTL, then runs the work again', async () => {
    await store.run('k', 'f', work('first'));

    now += 60_000;
    await expect(store.run('k', 'f', work('x'))).resolves.toMatchObject({ duplicate: true });
    now += 1;
    await expect(store.run('k', 'f', work('after ttl'))).resolves.toEqual({
      value: 'after ttl',
      duplicate: false,
    });
  });

  it('keeps at most maxKeys, forgetting the least recently used first', async () => {
    await store.run('a', 'f', work('a'));
    await store.run('b', 'f', work('b'));
    await store.run('a', 'f', work('a again'));
    await store.run('c', 'f', work('c'));
    expect(runs).toBe(3);

    await expect(store.run('a', 'f', work('x'))).resolves.toMatchObject({ duplicate: true });
    await expect(store.run('c', 'f', work('x'))).resolves.toMatchObject({ duplicate: true });
    await expect(store.run('b', 'f', work('b again'))).resolves.toEqual({
      value: 'b again',
      duplicate: false,
    });
  });
});
