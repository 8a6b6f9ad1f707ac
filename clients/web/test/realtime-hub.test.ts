// The page's realtime listener registry: every message reaches every listener (one failing listener does not
// stop the others), and thing subscriptions from several screens are combined into the one set the channel sends.
import type { RealtimeMessage } from '@photonotes/client';
import { createRealtimeHub, maxSubscribedThings } from '../src/realtime-hub';

const pong: RealtimeMessage = { type: 'pong' };

describe('createRealtimeHub', () => {
  test('hands each message to every listener until it is removed, even when another listener throws', () => {
    // Prepare
    const hub = createRealtimeHub();
    const first: RealtimeMessage[] = [];
    const second: RealtimeMessage[] = [];
    hub.listen(() => {
      throw new Error('a broken screen');
    });
    const stopFirst = hub.listen((message) => first.push(message));
    hub.listen((message) => second.push(message));

    // Act
    hub.emit(pong);
    stopFirst();
    hub.emit({ type: 'subscribed', things: [] });

    // Assess
    expect(first).toEqual([pong]);
    expect(second).toEqual([pong, { type: 'subscribed', things: [] }]);
  });

  test('sends the union of the watched things on the attached channel, again when a watch ends, and on a late attach', () => {
    // Prepare
    const hub = createRealtimeHub();
    const sent: string[][] = [];
    const channel = { subscribe: (things: string[]) => sent.push(things) };

    // Act
    const stopA = hub.watchThings(['a']);
    hub.attach(channel);
    const stopB = hub.watchThings(['b', 'a']);
    stopA();
    stopA();
    stopB();
    hub.attach(null);
    hub.watchThings(['c']);

    // Assess
    expect(sent).toEqual([['a'], ['a', 'b'], ['b', 'a'], []]);
  });

  test('never asks for more things than one connection may subscribe to', () => {
    // Prepare
    const hub = createRealtimeHub();
    const sent: string[][] = [];
    hub.attach({ subscribe: (things) => sent.push(things) });

    // Act
    hub.watchThings(Array.from({ length: 25 }, (_, index) => `t${index}`));

    // Assess
    expect(sent.at(-1)).toHaveLength(maxSubscribedThings);
  });

  test('tells resync listeners when messages may have been missed, until they are removed', () => {
    // Prepare
    const hub = createRealtimeHub();
    let first = 0;
    let second = 0;
    hub.onResync(() => {
      throw new Error('a broken screen');
    });
    const stop = hub.onResync(() => (first += 1));
    hub.onResync(() => (second += 1));

    // Act
    hub.resync();
    stop();
    hub.resync();

    // Assess
    expect([first, second]).toEqual([1, 2]);
  });
});
