// Credentials files for --credentials: the API's shapes are accepted, anything else is refused by name.
import { loadCredentialsFile, parseCredentials } from '../../things/credentials';

const credentials = (clientId = 'e3b0c442-0000-4000-8000-000000000001') => ({
  mqttUrl: 'mqtt://localhost:1883',
  clientId,
  username: clientId,
  password: 'pw',
  topics: { telemetry: `things/${clientId}/telemetry`, reported: `things/${clientId}/state/reported`, desired: `things/${clientId}/state/desired` },
});

describe('credentials files', () => {
  it('take the credentials object of POST /things', () => {
    // Act
    const things = parseCredentials(JSON.stringify(credentials()), 'device.json');

    // Assess
    expect(things).toEqual([{ thingId: credentials().clientId, name: credentials().clientId, credentials: credentials() }]);
  });

  it('take the whole answer of POST /things (what the seed writes), naming the thing', () => {
    // Prepare
    const answer = { thing: { thingId: credentials().clientId, name: 'Living room thermostat', online: false }, credentials: credentials() };

    // Act
    const things = parseCredentials(JSON.stringify(answer), 'thermostat.json');

    // Assess
    expect(things).toEqual([{ thingId: credentials().clientId, name: 'Living room thermostat', credentials: credentials() }]);
  });

  it('take an array of either', () => {
    // Prepare
    const file = [credentials('a'), { credentials: credentials('b') }];

    // Act
    const things = parseCredentials(JSON.stringify(file), 'fleet.json');

    // Assess
    expect(things.map((thing) => thing.credentials.clientId)).toEqual(['a', 'b']);
  });

  it.each([
    ['not JSON', '{', 'fleet.json is not JSON'],
    ['an empty array', '[]', 'fleet.json holds an empty array'],
    ['no password', JSON.stringify({ ...credentials(), password: undefined }), 'fleet.json does not hold device credentials (password:'],
    ['a web URL', JSON.stringify({ ...credentials(), mqttUrl: 'http://localhost:1883' }), '(mqttUrl: an mqtt:// or mqtts:// URL)'],
    ['a bad entry in an array', JSON.stringify([credentials('a'), { credentials: { ...credentials('b'), topics: {} } }]), '([1].credentials.topics.telemetry:'],
    ['the same client id twice', JSON.stringify([credentials('a'), credentials('a')]), 'fleet.json lists client id a twice'],
  ])('refuse %s', (_case, raw, message) => {
    expect(() => parseCredentials(raw, 'fleet.json')).toThrow(message);
  });

  it('say which file could not be read', () => {
    // Prepare
    const read = () => {
      throw new Error('ENOENT: no such file or directory');
    };

    // Act, Assess
    expect(() => loadCredentialsFile('missing.json', read)).toThrow('cannot read missing.json: ENOENT: no such file or directory');
  });
});
