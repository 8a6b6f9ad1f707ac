// AWS IoT Core's lifecycle events as the local twin publishes them: topics, payload shapes, version numbers.
import { connectedEvent, disconnectedEvent, hasLifecycleEvents, presenceTopic, versionCounter, type Session } from '../platform/iot/presence';

const session: Session = { clientId: 'thing-1', sessionIdentifier: 'a4666d2a-7d84-4ae4-ac5d-7b38c9cb7967', principalIdentifier: 'thing1', ipAddress: '127.0.0.1', versionNumber: 1_700_000_000_000 };

describe('lifecycle events', () => {
  it('publishes on $aws/events/presence/<eventType>/<clientId>', () => {
    expect(presenceTopic('connected', 'thing-1')).toBe('$aws/events/presence/connected/thing-1');
    expect(presenceTopic('disconnected', 'thing-1')).toBe('$aws/events/presence/disconnected/thing-1');
  });

  it('describes a connection in exactly the connected shape', () => {
    expect(connectedEvent(session, 1234)).toEqual({
      clientId: 'thing-1',
      timestamp: 1234,
      eventType: 'connected',
      sessionIdentifier: session.sessionIdentifier,
      principalIdentifier: 'thing1',
      ipAddress: '127.0.0.1',
      versionNumber: session.versionNumber,
    });
  });

  it('describes the end of the same session in the disconnected shape, with its reason', () => {
    expect(disconnectedEvent(session, 'MQTT_KEEP_ALIVE_TIMEOUT', 5678)).toEqual({
      clientId: 'thing-1',
      timestamp: 5678,
      eventType: 'disconnected',
      sessionIdentifier: session.sessionIdentifier,
      principalIdentifier: 'thing1',
      clientInitiatedDisconnect: false,
      disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT',
      versionNumber: session.versionNumber,
    });
    expect(disconnectedEvent(session, 'CLIENT_INITIATED_DISCONNECT', 1).clientInitiatedDisconnect).toBe(true);
  });

  it('publishes nothing for client ids with MQTT wildcards', () => {
    expect(hasLifecycleEvents('thing-1')).toBe(true);
    expect(hasLifecycleEvents('thing+1')).toBe(false);
    expect(hasLifecycleEvents('thing#1')).toBe(false);
  });

  it('gives each connection of a client id a larger version number, even within one millisecond and after a restart', () => {
    // Prepare
    let clock = 1000;
    const next = versionCounter(() => clock);

    // Act
    const first = next('thing-1');
    const second = next('thing-1');
    const other = next('thing-2');
    clock = 900; // the clock stepped back
    const third = next('thing-1');
    const afterRestart = versionCounter(() => 5000)('thing-1');

    // Assess
    expect(first).toBe(1000);
    expect(second).toBe(1001);
    expect(other).toBe(1000);
    expect(third).toBe(1002);
    expect(afterRestart).toBeGreaterThan(third);
  });
});
