// From a device's MQTT publish to the `thing.alert` item in the owner's inbox (GET /notifications), against
// publish → reading stored (GET /things/{id}/telemetry) as the baseline, on the local platform with a real
// MQTT client. One thing with one rule (temp gt 30); each round publishes a reading below the threshold (the
// baseline sample; it also re-arms the rule, as the contract needs before the next firing) and then one above
// it (the alert sample). Both are observed the same way, by polling the API every `pollMs`, so the ratio
// compares like with like; the inbox item's own createdAt gives the alert latency without polling's granularity.
import { api } from '../test/support/api';
import { createTestUser } from '../test/support/users';
import { check, connectDevice, invocationDurations, logPosition, pollUntil, registerThing, startBenchPlatform } from './iot-support';
import { percentile, round, writeResult } from './support';

const firings = Number(process.env.BENCH_ALERT_FIRINGS ?? 30);
const warmupRounds = 3;
const pollMs = 10;
const timeoutMs = 30_000;
const threshold = 30;

interface InboxBody {
  items: Array<{ type: string; createdAt: string; data: Record<string, unknown> }>;
}

const iso = (ms: number) => new Date(ms).toISOString();

async function main(): Promise<void> {
  const bench = await startBenchPlatform('thing-alert');
  try {
    const user = await createTestUser('bench-alert');
    const { thingId, credentials } = await registerThing(user, 'Alert thermostat');
    const rules = await check<{ rules: Array<{ id: string }> }>(
      'PUT alerts',
      api(`/things/${thingId}/alerts`, { method: 'PUT', token: user.accessToken, body: { rules: [{ metric: 'temp', op: 'gt', threshold }] } }),
      200,
    );
    const ruleId = rules.rules[0]?.id;
    const device = await connectDevice(credentials);

    // Each reading has its own ts, later than the last: rules judge readings in ts order.
    let lastTs = Date.now() - 1000;
    const nextTs = () => (lastTs = Math.max(lastTs + 1, Date.now()));
    const publish = (ts: number, temp: number) => device.publishAsync(credentials.topics.telemetry, JSON.stringify({ ts, metrics: { temp } }), { qos: 1 });

    const stored = async (temp: number) => {
      const ts = nextTs();
      const started = performance.now();
      await publish(ts, temp);
      const query = `/things/${thingId}/telemetry?metric=temp&resolution=raw&from=${encodeURIComponent(iso(ts))}&limit=1`;
      const { seenAt } = await pollUntil(
        () => api<{ items?: Array<{ at: string; value: number }> }>(query, { token: user.accessToken }),
        (res) => res.body.items?.[0]?.at === iso(ts),
        { intervalMs: pollMs, timeoutMs, what: `reading ${temp} at ${iso(ts)} stored` },
      );
      return seenAt - started;
    };

    const alerted = async (temp: number) => {
      const ts = nextTs();
      const publishedAtWall = Date.now();
      const started = performance.now();
      await publish(ts, temp);
      const mine = (res: { body: InboxBody }) => (res.body.items ?? []).filter((item) => item.type === 'thing.alert' && item.data.thingId === thingId && item.data.at === iso(ts));
      const { value, seenAt } = await pollUntil(() => api<InboxBody>('/notifications?limit=10', { token: user.accessToken }), (res) => mine(res).length > 0, {
        intervalMs: pollMs,
        timeoutMs,
        what: `alert for ${temp} at ${iso(ts)} in the inbox`,
      });
      const item = mine(value)[0] as InboxBody['items'][number];
      if (item.data.ruleId !== ruleId || item.data.value !== temp) throw new Error(`unexpected alert ${JSON.stringify(item)}`);
      return { polledMs: seenAt - started, createdMs: Date.parse(item.createdAt) - publishedAtWall };
    };

    for (let i = 0; i < warmupRounds; i++) {
      await stored(20);
      await alerted(35);
    }
    const logFrom = logPosition(bench);
    const storedMs: number[] = [];
    const alertMs: number[] = [];
    const alertCreatedMs: number[] = [];
    for (let i = 0; i < firings; i++) {
      // Below the threshold: stored, and the rule re-armed for the next firing.
      storedMs.push(await stored(20 + (i % 5)));
      const alert = await alerted(35 + (i % 5));
      alertMs.push(alert.polledMs);
      alertCreatedMs.push(alert.createdMs);
    }
    await device.endAsync();
    // Where the time goes: each function's own duration as serverless-offline logged it.
    const durations = Object.fromEntries(
      ['ingestTelemetry', 'thingEvents'].map((fn) => {
        const values = invocationDurations(bench, fn, logFrom);
        return [fn, { invocations: values.length, p50: round(percentile(values, 50), 0), p99: round(percentile(values, 99), 0) }];
      }),
    );

    // Exactly one alert per firing reached the inbox: no duplicates, none lost.
    const inbox = await check<InboxBody>('GET /notifications', api<InboxBody>('/notifications?limit=100', { token: user.accessToken }), 200);
    const alerts = inbox.items.filter((item) => item.type === 'thing.alert' && item.data.thingId === thingId).length;
    if (alerts !== firings + warmupRounds) throw new Error(`${alerts} alerts in the inbox, expected ${firings + warmupRounds}`);

    const stat = (values: number[]) => ({ p50: round(percentile(values, 50), 0), p99: round(percentile(values, 99), 0), max: round(Math.max(...values), 0) });
    const storedStat = stat(storedMs);
    const alertStat = stat(alertMs);
    const ratio = round(alertStat.p50 / storedStat.p50, 2);
    const result = {
      description: `one thing, rule temp gt ${threshold}; ${firings} rounds of a reading below (publish → stored, the baseline; re-arms the rule) then one above (publish → thing.alert in GET /notifications), QoS 1 from a real MQTT client through the local IoT twin; both observed by polling the API every ${pollMs} ms`,
      firings,
      storedMs: { ...storedStat, samples: storedMs.map((ms) => round(ms, 0)) },
      alertMs: { ...alertStat, samples: alertMs.map((ms) => round(ms, 0)) },
      // createdAt of the inbox item minus the publish (one clock): no polling granularity in it.
      alertCreatedMs: stat(alertCreatedMs),
      ratio: { p50: ratio, p99: round(alertStat.p99 / storedStat.p99, 2) },
      alertsInInbox: alerts,
      functionDurationsMs: durations,
      summary: `publish → alert in the inbox p50 ${alertStat.p50} ms, p99 ${alertStat.p99} ms; publish → stored p50 ${storedStat.p50} ms, p99 ${storedStat.p99} ms; alert/stored ${ratio}× (p50), ${firings} firings, each once`,
      goal: 'alert in the inbox within 5 s of the reading (contract, p99); ratio to stored reported',
    };
    console.log(JSON.stringify({ ...result, storedMs: storedStat, alertMs: alertStat }, null, 2));
    console.log(`written to ${writeResult('thing-alert', result)}`);
  } finally {
    await bench.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
