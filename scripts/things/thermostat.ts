// The simulated device's physics: a thermostat whose room temperature drifts around its setpoint with noise
// (a mean-reverting random walk), and a relative humidity that wanders around a level that falls as the room
// warms. Desired state `{ targetTemp }` moves the setpoint; the room then follows within a minute or two.
// Pure and seeded: the same random source gives the same readings, so tests can pin them.

export interface ThermostatReading {
  /** °C, two decimals. */
  temp: number;
  /** %RH, one decimal. */
  humidity: number;
}

export interface DesiredOutcome {
  /** What the device reports back after applying it. */
  reported: Record<string, unknown>;
  /** Desired keys it could not apply, with why (unknown keys are left alone, as firmware would). */
  ignored: Array<{ key: string; reason: string }>;
}

export interface Thermostat {
  readonly setpoint: number;
  /** The reading at `now` (epoch ms), advancing the room from the previous reading. */
  read(now: number): ThermostatReading;
  /** Applies a desired-state document (`{ targetTemp: number }`); anything else is ignored. */
  applyDesired(desired: unknown): DesiredOutcome;
  /** The full reported state: what the device announces when it connects. */
  reportedState(): Record<string, unknown>;
}

export interface ThermostatOptions {
  /** °C; default 21. */
  setpoint?: number;
  /** Uniform in [0, 1); default Math.random. */
  random?: () => number;
  /** Epoch ms of the first reading's predecessor; default: the first read's own time. */
  startedAt?: number;
}

/** Setpoints a household thermostat accepts. */
export const setpointRange = { min: 5, max: 35 } as const;

export const thermostatModel = { model: 'photonotes-sim-thermostat', firmware: '1.0.0' } as const;

// Room temperature relaxes towards the setpoint with this time constant and jitters by `tempNoise` °C per
// √second: a stationary spread of about ±0.2 °C around the setpoint.
const tempTauSeconds = 30;
const tempNoise = 0.05;
const humidityTauSeconds = 120;
const humidityNoise = 0.1;
const humidityAt21 = 45;
/** Warmer air holds more water: relative humidity falls about 1.5 points per °C. */
const humidityPerDegree = -1.5;
/** Beyond a day the room has long settled; the cap keeps exp() away from denormals. */
const maxStepSeconds = 86_400;

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A standard normal sample from two uniform ones (Box-Muller). */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function createThermostat(options: ThermostatOptions = {}): Thermostat {
  const random = options.random ?? Math.random;
  let setpoint = options.setpoint ?? 21;
  if (!isValidSetpoint(setpoint)) throw new RangeError(`setpoint must be ${setpointRange.min}..${setpointRange.max} °C, got ${setpoint}`);
  let temp = setpoint + (random() - 0.5);
  let humidity = humidityLevel(temp) + (random() - 0.5) * 2;
  let last = options.startedAt ?? null;

  const step = (seconds: number) => {
    temp = relax(temp, setpoint, seconds, tempTauSeconds, tempNoise, random);
    humidity = Math.min(100, Math.max(0, relax(humidity, humidityLevel(temp), seconds, humidityTauSeconds, humidityNoise, random)));
  };

  return {
    get setpoint() {
      return setpoint;
    },
    read(now) {
      const seconds = last === null ? 0 : Math.min(maxStepSeconds, Math.max(0, (now - last) / 1000));
      last = now;
      if (seconds > 0) step(seconds);
      return { temp: round(temp, 2), humidity: round(humidity, 1) };
    },
    applyDesired(desired) {
      const ignored: DesiredOutcome['ignored'] = [];
      if (typeof desired !== 'object' || desired === null || Array.isArray(desired)) {
        return { reported: {}, ignored: [{ key: '', reason: 'desired state is not an object' }] };
      }
      const target = (desired as Record<string, unknown>).targetTemp;
      if (target === undefined) return { reported: {}, ignored };
      if (typeof target !== 'number' || !isValidSetpoint(target)) {
        ignored.push({ key: 'targetTemp', reason: `not a temperature in ${setpointRange.min}..${setpointRange.max} °C` });
        return { reported: { targetTemp: setpoint }, ignored };
      }
      setpoint = target;
      return { reported: { targetTemp: setpoint }, ignored };
    },
    reportedState() {
      return { targetTemp: setpoint, ...thermostatModel };
    },
  };
}

/**
 * One exact step of a mean-reverting random walk (Ornstein-Uhlenbeck): `value` moves towards `level` with time
 * constant `tau` and jitters by `noise` per √second, so a long gap between readings gives the settled spread
 * (noise·√(tau/2)), not hours of accumulated noise.
 */
function relax(value: number, level: number, seconds: number, tau: number, noise: number, random: () => number): number {
  const decay = Math.exp(-seconds / tau);
  return level + (value - level) * decay + noise * Math.sqrt((tau / 2) * (1 - decay * decay)) * gaussian(random);
}

function humidityLevel(temp: number): number {
  return humidityAt21 + (temp - 21) * humidityPerDegree;
}

function isValidSetpoint(value: number): boolean {
  return Number.isFinite(value) && value >= setpointRange.min && value <= setpointRange.max;
}
