import { Backoff } from '../../src/worker/backoff.js';

describe('Backoff', () => {
  test('doubles up to the cap, with jitter between half and the whole', () => {
    const top = new Backoff(100, 1000, () => 1);
    expect([top.next(), top.next(), top.next(), top.next(), top.next(), top.next()]).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    const bottom = new Backoff(100, 1000, () => 0);
    expect([bottom.next(), bottom.next(), bottom.next()]).toEqual([50, 100, 200]);
  });

  test('reset starts over', () => {
    const b = new Backoff(100, 1000, () => 1);
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(100);
  });
});
