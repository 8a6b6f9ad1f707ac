// The simulated thermostat's readings: near the setpoint with noise, humidity in range, desired state obeyed.
import { seededRandom } from '../../seeded-random';
import { createThermostat, gaussian, setpointRange } from '../../things/thermostat';

const readingsOver = (thermostat: ReturnType<typeof createThermostat>, seconds: number, everyMs = 1000, from = 0) =>
  Array.from({ length: Math.floor((seconds * 1000) / everyMs) }, (_, i) => thermostat.read(from + (i + 1) * everyMs));

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('thermostat readings', () => {
  it('drift around the setpoint with noise, and never repeat exactly for long', () => {
    // Prepare
    const thermostat = createThermostat({ setpoint: 21, random: seededRandom(1), startedAt: 0 });

    // Act
    const temps = readingsOver(thermostat, 600).map((reading) => reading.temp);

    // Assess
    expect(Math.abs(mean(temps) - 21)).toBeLessThan(0.3);
    expect(Math.min(...temps)).toBeGreaterThan(19.5);
    expect(Math.max(...temps)).toBeLessThan(22.5);
    expect(new Set(temps).size).toBeGreaterThan(50);
  });

  it('give a plausible relative humidity, lower in a warmer room', () => {
    // Prepare
    const cool = createThermostat({ setpoint: 17, random: seededRandom(2), startedAt: 0 });
    const warm = createThermostat({ setpoint: 27, random: seededRandom(2), startedAt: 0 });

    // Act
    const coolHumidity = readingsOver(cool, 900).slice(300).map((reading) => reading.humidity);
    const warmHumidity = readingsOver(warm, 900).slice(300).map((reading) => reading.humidity);

    // Assess
    for (const value of [...coolHumidity, ...warmHumidity]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(100);
    }
    expect(mean(coolHumidity)).toBeGreaterThan(mean(warmHumidity) + 5);
  });

  it('round to what a sensor reports: two decimals of °C, one of %RH', () => {
    // Prepare
    const thermostat = createThermostat({ random: seededRandom(3), startedAt: 0 });

    // Act
    const readings = readingsOver(thermostat, 20);

    // Assess
    for (const { temp, humidity } of readings) {
      expect(Math.round(temp * 100) / 100).toBe(temp);
      expect(Math.round(humidity * 10) / 10).toBe(humidity);
    }
  });

  it('are the same for the same random source', () => {
    // Prepare
    const first = createThermostat({ random: seededRandom(42), startedAt: 0 });
    const second = createThermostat({ random: seededRandom(42), startedAt: 0 });

    // Act, Assess
    expect(readingsOver(first, 30)).toEqual(readingsOver(second, 30));
  });

  it('do not simulate hours of drift after a long pause, nor go back in time', () => {
    // Prepare
    const thermostat = createThermostat({ setpoint: 21, random: seededRandom(4), startedAt: 0 });

    // Act
    const afterYear = thermostat.read(365 * 24 * 3_600_000);
    const backwards = thermostat.read(0);

    // Assess
    expect(Math.abs(afterYear.temp - 21)).toBeLessThan(2);
    expect(Number.isFinite(backwards.temp)).toBe(true);
  });
});

describe('thermostat desired state', () => {
  it('moves the setpoint to targetTemp, and the room follows within a few minutes', () => {
    // Prepare
    const thermostat = createThermostat({ setpoint: 21, random: seededRandom(5), startedAt: 0 });
    readingsOver(thermostat, 60);

    // Act
    const outcome = thermostat.applyDesired({ targetTemp: 24.5, fanMode: 'auto' });
    const later = readingsOver(thermostat, 300, 1000, 60_000).slice(-60).map((reading) => reading.temp);

    // Assess
    expect(outcome).toEqual({ reported: { targetTemp: 24.5 }, ignored: [] });
    expect(thermostat.setpoint).toBe(24.5);
    expect(Math.abs(mean(later) - 24.5)).toBeLessThan(0.3);
  });

  it.each([
    ['a string', '22'],
    ['too cold', setpointRange.min - 1],
    ['too hot', setpointRange.max + 0.5],
    ['not finite', Number.NaN],
  ])('keeps its setpoint and reports it when targetTemp is %s', (_case, targetTemp) => {
    // Prepare
    const thermostat = createThermostat({ setpoint: 20 });

    // Act
    const outcome = thermostat.applyDesired({ targetTemp });

    // Assess
    expect(thermostat.setpoint).toBe(20);
    expect(outcome.reported).toEqual({ targetTemp: 20 });
    expect(outcome.ignored.map((item) => item.key)).toEqual(['targetTemp']);
  });

  it('reports nothing for a desired document without targetTemp, and refuses one that is not an object', () => {
    // Prepare
    const thermostat = createThermostat({ setpoint: 20 });

    // Act
    const other = thermostat.applyDesired({ mode: 'eco' });
    const notObject = thermostat.applyDesired([1, 2]);

    // Assess
    expect(other).toEqual({ reported: {}, ignored: [] });
    expect(notObject.ignored).toHaveLength(1);
    expect(thermostat.reportedState()).toEqual({ targetTemp: 20, model: 'photonotes-sim-thermostat', firmware: '1.0.0' });
  });

  it('refuses a setpoint out of range at creation', () => {
    expect(() => createThermostat({ setpoint: 80 })).toThrow('setpoint must be 5..35 °C, got 80');
  });
});

describe('gaussian', () => {
  it('has mean 0 and spread 1', () => {
    // Prepare
    const random = seededRandom(9);

    // Act
    const samples = Array.from({ length: 20_000 }, () => gaussian(random));
    const average = mean(samples);
    const spread = Math.sqrt(mean(samples.map((value) => (value - average) ** 2)));

    // Assess
    expect(Math.abs(average)).toBeLessThan(0.03);
    expect(Math.abs(spread - 1)).toBeLessThan(0.03);
  });
});
