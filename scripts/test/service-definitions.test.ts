import { loadServiceDefinitions, localName } from '../platform/service-definitions';

describe('service definitions read from the repo', () => {
  const services = loadServiceDefinitions();

  it('lists the six services of serverless-compose.yml with unique ports', () => {
    expect(services.map((s) => s.name).sort()).toEqual(['analytics', 'core-api', 'iot', 'notifications', 'search', 'thumbnails', 'users']);
    const ports = services.flatMap((s) => [s.httpPort, s.lambdaPort]);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('finds every service health route and the catch-all', () => {
    for (const s of services) expect(s.routes).toContainEqual({ method: 'GET', path: `/health/${s.name}` });
    expect(services.find((s) => s.name === 'users')?.routes).toContainEqual({ method: '*', path: '*' });
  });

  it('reads functions that only the local stage has from their fragment file', () => {
    const notifications = services.find((s) => s.name === 'notifications');
    expect(notifications?.routes).toContainEqual({ method: 'GET', path: '/dev/push-outbox' });
  });

  it('gives the websocket port only to the service with websocket events (notifications: /realtime)', () => {
    const withWebsocket = services.filter((s) => s.websocketPort !== null);
    expect(withWebsocket.map((s) => s.name)).toEqual(['notifications']);
    const ports = services.flatMap((s) => [s.httpPort, s.lambdaPort, ...(s.websocketPort === null ? [] : [s.websocketPort])]);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('names the topics as the local stage does', () => {
    const topics = services.flatMap((s) => s.topics);
    expect(topics).toEqual(expect.arrayContaining(['photonotes-local-user-events', 'photonotes-local-media-events', 'photonotes-local-note-events']));
  });
});

describe('localName', () => {
  it('resolves the stage and service variables', () => {
    expect(localName('${self:service}-${sls:stage}-notes', 'photonotes-core-api')).toBe('photonotes-core-api-local-notes');
  });

  it('refuses any other variable', () => {
    expect(() => localName('${param:x}-topic', 'svc')).toThrow(/may only use/);
  });
});
