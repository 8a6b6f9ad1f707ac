// Fault drills for the resilience suite (test/resilience/faults.test.ts): takes one part of the running platform down
// on purpose and brings it back, without the platform taking the stop for a crash. Only a platform started with
// `faultDrills: true` has one (the resilience suite's global setup); `npm run dev` and the integration suite never do.
//   dynamodb        DynamoDB Local killed (SIGKILL) and started again on its data directory (persistent mode)
//   sns             the SNS emulator stops listening (connections dropped); topics and subscriptions survive
//   mqtt            the IoT twin's broker stops listening and drops every device; devices reconnect
//   service:<name>  one service's serverless-offline process killed and started again

export type FaultComponent = 'dynamodb' | 'sns' | 'mqtt' | `service:${string}`;

export interface FaultTargets {
  /** Service names the platform runs (service:<name>). */
  services: string[];
  /** Kills the named platform process on purpose (ProcessGroup.stopOne). */
  stopProcess(name: string): Promise<void>;
  /** Starts DynamoDB Local again on the same port and data directory; resolves once it listens. */
  startDynamoDb(): Promise<void>;
  /** Starts a service's serverless-offline again; resolves once it listens. */
  startService(name: string): Promise<void>;
  sns: { close(): void; listen(): Promise<void> };
  /** null when no service declares IoT. */
  mqtt: { stopBroker(): Promise<void>; startBroker(): Promise<void> } | null;
}

export interface FaultControl {
  /** Every component a drill may take down. */
  components(): FaultComponent[];
  /** Which are down now. */
  down(): FaultComponent[];
  stop(component: string): Promise<void>;
  start(component: string): Promise<void>;
}

export class UnknownFaultComponentError extends Error {}

export function createFaultControl(targets: FaultTargets): FaultControl {
  const down = new Set<FaultComponent>();
  // One drill step at a time per component: a start racing its stop would leave two processes or none.
  const queues = new Map<FaultComponent, Promise<void>>();
  const components = (): FaultComponent[] => [
    'dynamodb',
    'sns',
    ...(targets.mqtt ? (['mqtt'] as const) : []),
    ...targets.services.map((name): FaultComponent => `service:${name}`),
  ];
  const known = (component: string): FaultComponent => {
    const found = components().find((c) => c === component);
    if (!found) throw new UnknownFaultComponentError(`unknown component "${component}"; one of ${components().join(', ')}`);
    return found;
  };
  const serial = (component: FaultComponent, step: () => Promise<void>): Promise<void> => {
    const next = (queues.get(component) ?? Promise.resolve()).catch(() => undefined).then(step);
    queues.set(component, next);
    return next;
  };

  return {
    components,
    down: () => [...down],
    async stop(name) {
      const component = known(name);
      return serial(component, async () => {
        if (down.has(component)) return;
        down.add(component);
        if (component === 'dynamodb') await targets.stopProcess('dynamodb');
        else if (component === 'sns') targets.sns.close();
        else if (component === 'mqtt') await targets.mqtt?.stopBroker();
        else await targets.stopProcess(component.slice('service:'.length));
      });
    },
    async start(name) {
      const component = known(name);
      return serial(component, async () => {
        if (!down.has(component)) return;
        if (component === 'dynamodb') await targets.startDynamoDb();
        else if (component === 'sns') await targets.sns.listen();
        else if (component === 'mqtt') await targets.mqtt?.startBroker();
        else await targets.startService(component.slice('service:'.length));
        down.delete(component);
      });
    },
  };
}
