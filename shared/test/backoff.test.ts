import { backoffDelay } from '../src/backoff';

describe('backoffDelay', () => {
  const policy = { baseMs: 10, capMs: 100 };

  test('the bound doubles with every retry up to the cap', () => {
    // Prepare
    const top = () => 1;

    // Act
    const bounds = [1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, policy, top));

    // Assess
    expect(bounds).toEqual([10, 20, 40, 80, 100, 100]);
  });

  test('the delay is a random point below the bound (full jitter)', () => {
    // Prepare
    const draws = [0, 0.25, 0.999];

    // Act
    const delays = draws.map((draw) => backoffDelay(3, policy, () => draw));

    // Assess
    expect(delays).toEqual([0, 10, 40 * 0.999]);
  });
});
