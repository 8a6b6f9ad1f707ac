// The platform's fault drills (scripts/platform/faults.ts) on fakes, and ProcessGroup.stopOne on real processes:
// a component goes down and comes back once per drill, and a deliberate stop is never reported as a crash.
import { createFaultControl, UnknownFaultComponentError, type FaultTargets } from '../platform/faults';
import { createLogSink, ProcessGroup } from '../platform/processes';

function fakeTargets(): FaultTargets & { calls: string[] } {
  const calls: string[] = [];
  const step = (name: string) => async () => void calls.push(name);
  return {
    calls,
    services: ['core-api', 'search'],
    stopProcess: async (name) => void calls.push(`kill ${name}`),
    startDynamoDb: step('start dynamodb'),
    startService: async (name) => void calls.push(`start ${name}`),
    sns: { close: () => void calls.push('sns close'), listen: step('sns listen') },
    mqtt: { stopBroker: step('broker stop'), startBroker: step('broker start') },
  };
}

describe('fault drills', () => {
  it('names every component: the emulators, the broker and each service', () => {
    // Act
    const faults = createFaultControl(fakeTargets());

    // Assess
    expect(faults.components()).toEqual(['dynamodb', 'sns', 'mqtt', 'service:core-api', 'service:search']);
  });

  it('leaves out mqtt when no service declares IoT', () => {
    // Act
    const faults = createFaultControl({ ...fakeTargets(), mqtt: null });

    // Assess
    expect(faults.components()).not.toContain('mqtt');
  });

  it('stops and starts each component with its own means, and knows which are down', async () => {
    // Prepare
    const targets = fakeTargets();
    const faults = createFaultControl(targets);

    // Act
    for (const component of ['dynamodb', 'sns', 'mqtt', 'service:search']) await faults.stop(component);
    const down = faults.down();
    for (const component of ['dynamodb', 'sns', 'mqtt', 'service:search']) await faults.start(component);

    // Assess
    expect(down).toEqual(['dynamodb', 'sns', 'mqtt', 'service:search']);
    expect(faults.down()).toEqual([]);
    expect(targets.calls).toEqual(['kill dynamodb', 'sns close', 'broker stop', 'kill search', 'start dynamodb', 'sns listen', 'broker start', 'start search']);
  });

  it('ignores a second stop, and a start of what is up, so a drill never leaves two processes', async () => {
    // Prepare
    const targets = fakeTargets();
    const faults = createFaultControl(targets);

    // Act
    await faults.start('service:core-api');
    await Promise.all([faults.stop('service:core-api'), faults.stop('service:core-api')]);
    await Promise.all([faults.start('service:core-api'), faults.start('service:core-api')]);

    // Assess
    expect(targets.calls).toEqual(['kill core-api', 'start core-api']);
  });

  it('refuses an unknown component', async () => {
    // Prepare
    const faults = createFaultControl(fakeTargets());

    // Act / Assess
    await expect(faults.stop('service:billing')).rejects.toBeInstanceOf(UnknownFaultComponentError);
    await expect(faults.start('redis')).rejects.toThrow(/unknown component "redis"/);
  });
});

describe('ProcessGroup.stopOne', () => {
  it('kills the named process on purpose without reporting it, while a crash of another is still reported', async () => {
    // Prepare
    const unexpected: string[] = [];
    const group = new ProcessGroup(createLogSink(), (name) => unexpected.push(name));
    const sleeper = group.start('sleeper', process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {});
    const crasher = group.start('crasher', process.execPath, ['-e', 'setTimeout(() => process.exit(3), 300)'], {});

    // Act
    await group.stopOne('sleeper');
    await crasher.exited;

    // Assess
    expect(sleeper.child.signalCode).toBe('SIGKILL');
    expect(unexpected).toEqual(['crasher']);
    await group.stopAll();
  });
});
