// `npm run things:simulate` options: defaults, and a clear error for every bad value.
import { parseSimulateArgs, UsageError } from '../../things/args';

const parse = (...argv: string[]) => parseSimulateArgs(argv, {});

describe('things:simulate arguments', () => {
  it('default to five things of the demo user at one reading a second, QoS 1, on localhost:3000, until stopped', () => {
    // Act
    const options = parse();

    // Assess
    expect(options).toEqual({
      api: 'http://localhost:3000',
      email: 'alice@example.com',
      password: 'photonotes1',
      things: 5,
      rate: 1,
      durationSeconds: null,
      credentialsFile: null,
      prefix: 'sim-thermostat',
      qos: 1,
      summarySeconds: 5,
    });
  });

  it('take every option', () => {
    // Act
    const options = parse('--things', '20', '--rate', '0.5', '--duration', '30', '--api', 'https://api.example.com/', '--email', 'bob@example.com', '--password', 'secret-1', '--prefix', 'lab', '--qos', '0', '--summary', '2');

    // Assess
    expect(options).toEqual({
      api: 'https://api.example.com',
      email: 'bob@example.com',
      password: 'secret-1',
      things: 20,
      rate: 0.5,
      durationSeconds: 30,
      credentialsFile: null,
      prefix: 'lab',
      qos: 0,
      summarySeconds: 2,
    });
  });

  it('read the gateway from API_BASE_URL when --api is not given', () => {
    expect(parseSimulateArgs([], { API_BASE_URL: 'http://127.0.0.1:23000' })).toMatchObject({ api: 'http://127.0.0.1:23000' });
  });

  it('take a credentials file instead of an account', () => {
    expect(parse('--credentials', '.local/seed/thermostat.json', '--rate', '2')).toMatchObject({ credentialsFile: '.local/seed/thermostat.json', rate: 2 });
  });

  it('answer help', () => {
    expect(parse('--help')).toBe('help');
    expect(parse('-h')).toBe('help');
  });

  it.each([
    [['--things', '0'], '--things must be a whole number from 1 to 50 (a user owns at most 50 things), got "0"'],
    [['--things', '51'], '--things must be a whole number from 1 to 50'],
    [['--things', '2.5'], '--things must be a whole number'],
    [['--things', 'many'], '--things must be a whole number'],
    [['--rate', '0'], '--rate must be readings a second per thing, above 0 and at most 10'],
    [['--rate', '11'], "the service drops a thing's messages beyond 10 a second"],
    [['--rate', ''], '--rate must be'],
    [['--duration=-1'], '--duration must be a number of seconds above 0, got "-1"'],
    [['--duration', '-1'], "Option '--duration' argument is ambiguous"],
    [['--qos', '2'], '--qos must be 0 or 1, got "2"'],
    [['--summary', '0'], '--summary must be a number of seconds, at least 0.5'],
    [['--api', 'localhost:3000'], '--api must be an http:// or https:// URL, got "localhost:3000"'],
    [['--api', 'not a url'], '--api must be an http:// or https:// URL'],
    [['--prefix', '#1'], '--prefix must be 1 to 60 letters'],
    [['--email', 'bob@example.com'], '--email needs --password'],
    [['--credentials', 'a.json', '--things', '3', '--prefix', 'x'], '--credentials drives the devices in the file; it cannot be combined with --things, --prefix'],
    [['--credentials', ''], '--credentials needs a file name'],
    [['--thing', '3'], "Unknown option '--thing'"],
    [['--things'], "Option '--things <value>' argument missing"],
    [['extra'], "Unexpected argument 'extra'"],
  ])('refuse %j with a clear error', (argv, message) => {
    // Act
    const attempt = () => parse(...argv);

    // Assess
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(message);
  });
});
