import { correlationId, withCorrelationId, withInvocationCorrelationId } from '../src/correlation';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('correlation ids', () => {
  test('an invocation’s id holds across its awaits and is gone after it', async () => {
    // Act
    const seen = await withInvocationCorrelationId('req-00000001', async () => {
      await tick();
      return correlationId();
    });

    // Assess
    expect(seen).toBe('req-00000001');
    expect(correlationId()).toBeUndefined();
  });

  test('records handled side by side each keep their own id, over the invocation’s', async () => {
    // Prepare
    const handle = (id: string | undefined, delay: number) =>
      withCorrelationId(id, async () => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        return correlationId();
      });

    // Act
    const seen = await withInvocationCorrelationId('req-00000002', () => Promise.all([handle('event-a', 5), handle('event-b', 1), handle(undefined, 3)]));

    // Assess
    expect(seen).toEqual(['event-a', 'event-b', 'req-00000002']);
  });

  test('an invocation that fails still clears its id', async () => {
    // Act
    const outcome = withInvocationCorrelationId('req-00000003', async () => {
      throw new Error('handler failed');
    });

    // Assess
    await expect(outcome).rejects.toThrow('handler failed');
    expect(correlationId()).toBeUndefined();
  });
});
