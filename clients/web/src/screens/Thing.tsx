// One thing (loaded on demand, with its chart): online state, reported and desired state, live readings on a
// line chart (the last hour from GET /things/{id}/telemetry, then each `thing.telemetry` message of the page's
// realtime channel, subscribed to this thing while the page is open), setting desired state and the alert rules.
import { useEffect, useState } from 'preact/hooks';
import type { Client } from '@photonotes/client';
import { ErrorLine, Field, ScreenTitle, useSubmit } from '../components';
import { describeError } from '../errors';
import { explainError } from '../explain';
import type { RealtimeHub } from '../realtime-hub';
import { href } from '../router';
import { addPoints, addReading, alertOps, chartSummary, describeRule, formatNumber, linePath, parseDesired, parseRule, pointsOf, withState, type AlertRule, type Point, type ThingDetails } from '../things';

const hourMs = 3_600_000;

function Chart(props: { metric: string; points: Point[] }) {
  const width = 560;
  const height = 160;
  const { d, min, max } = linePath(props.points, width, height);
  const summary = chartSummary(props.metric, props.points);
  const recent = props.points.slice(-5).reverse();
  return (
    <figure class="chart">
      <figcaption>{props.metric}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Line chart of ${summary}`} preserveAspectRatio="none">
        <path d={d} fill="none" stroke="currentColor" stroke-width="2" vector-effect="non-scaling-stroke" />
      </svg>
      <p class="sync-status">
        {props.points.length > 0 ? `Range ${formatNumber(min)} to ${formatNumber(max)}` : 'Waiting for readings'}
      </p>
      <table>
        <caption>Latest {props.metric} readings</caption>
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {recent.map((point) => (
            <tr key={point.t}>
              <td>{new Date(point.t).toISOString().slice(11, 19)}</td>
              <td>{formatNumber(point.v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function StateList(props: { title: string; value: Record<string, unknown> }) {
  const entries = Object.entries(props.value);
  return (
    <div class="state">
      <h3>{props.title}</h3>
      {entries.length === 0 ? (
        <p>Nothing yet.</p>
      ) : (
        <dl>
          {entries.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>
                <code>{JSON.stringify(value)}</code>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

function DesiredForm(props: { api: Pick<Client, 'put'>; thingId: string; onState: (state: ThingDetails['state']) => void }) {
  const [text, setText] = useState('{\n  \n}');
  const [done, setDone] = useState<string | null>(null);
  // A form mistake is thrown as an Error: its message is the form's error line, as the API's refusal is.
  const { error, submit } = useSubmit(async () => {
    setDone(null);
    const parsed = parseDesired(text);
    if (!parsed.ok) throw new Error(parsed.error);
    // The generated schema types `desired` as Record<string, never> (an open object in the OpenAPI document).
    const desired = parsed.value as Record<string, never>;
    const state = await props.api.put('/things/{thingId}/state/desired', { params: { thingId: props.thingId }, body: { desired } });
    props.onState(state);
    setDone(`Desired state sent (version ${state.version}).`);
    return false; // the form stays for the next change
  }, explainError);
  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-labelledby="desired-title">
      <h2 id="desired-title">Set desired state</h2>
      <Field label="Desired state (JSON)" hint='Merged key by key into the current desired state; null removes a key. Example: {"targetTemp": 21}'>
        {(id) => <textarea id={id} rows={4} aria-describedby={`${id}-hint`} value={text} onInput={(event) => setText(event.currentTarget.value)} />}
      </Field>
      <ErrorLine message={error} />
      <p role="status">{done}</p>
      <button type="submit">Send desired state</button>
    </form>
  );
}

function AlertRules(props: { api: Pick<Client, 'get' | 'put'>; thingId: string; metrics: string[] }) {
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [draft, setDraft] = useState({ metric: props.metrics[0] ?? '', op: 'gt', threshold: '', forSeconds: '0' });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    props.api
      .get('/things/{thingId}/alerts', { params: { thingId: props.thingId } })
      .then((answer) => setRules(answer.rules))
      .catch((failure: unknown) => setError(describeError(failure)));
  }, [props.api, props.thingId]);

  async function replace(next: Array<Omit<AlertRule, 'id'> & { id?: string }>) {
    setError(null);
    try {
      const answer = await props.api.put('/things/{thingId}/alerts', { params: { thingId: props.thingId }, body: { rules: next } });
      setRules(answer.rules);
      return true;
    } catch (failure) {
      setError(explainError(failure));
      return false;
    }
  }
  async function add(event: Event) {
    event.preventDefault();
    const parsed = parseRule(draft, rules ?? []);
    if (!parsed.ok) return setError(parsed.error);
    if (await replace([...(rules ?? []), parsed.value])) setDraft({ ...draft, threshold: '' });
  }

  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alert rules</h2>
      {rules === null ? <p role="status">Loading rules…</p> : rules.length === 0 ? <p>No rules: add one to be notified when a reading crosses a threshold.</p> : null}
      <ul class="rules">
        {(rules ?? []).map((rule) => (
          <li key={rule.id}>
            {describeRule(rule)}{' '}
            <button type="button" class="secondary" aria-label={`Remove rule: ${describeRule(rule)}`} onClick={() => void replace((rules ?? []).filter((other) => other.id !== rule.id))}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={(event) => void add(event)} noValidate aria-label="Add an alert rule" class="rule-form">
        <Field label="Metric">{(id) => <input id={id} value={draft.metric} onInput={(event) => setDraft({ ...draft, metric: event.currentTarget.value })} />}</Field>
        <Field label="Condition">
          {(id) => (
            <select id={id} value={draft.op} onChange={(event) => setDraft({ ...draft, op: event.currentTarget.value })}>
              {Object.entries(alertOps).map(([op, words]) => (
                <option key={op} value={op}>
                  {words}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Threshold">{(id) => <input id={id} inputMode="decimal" value={draft.threshold} onInput={(event) => setDraft({ ...draft, threshold: event.currentTarget.value })} />}</Field>
        <Field label="Held for (seconds)">{(id) => <input id={id} inputMode="numeric" value={draft.forSeconds} onInput={(event) => setDraft({ ...draft, forSeconds: event.currentTarget.value })} />}</Field>
        <ErrorLine message={error} />
        <button type="submit">Add rule</button>
      </form>
    </section>
  );
}

export function ThingScreen(props: { api: Pick<Client, 'get' | 'put'>; hub: Pick<RealtimeHub, 'listen' | 'watchThings'>; thingId: string }) {
  const { thingId } = props;
  const [thing, setThing] = useState<ThingDetails | null>(null);
  const [series, setSeries] = useState<Record<string, Point[]>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    // Listen first, so a reading that arrives while the history loads is kept.
    const stopListening = props.hub.listen((message) => {
      if (message.type === 'thing.telemetry' && message.thingId === thingId) setSeries((previous) => addReading(previous, message.at, message.metrics));
      if (message.type === 'thing.state' && message.thingId === thingId) setThing((previous) => (previous ? withState(previous, message) : previous));
    });
    const stopWatching = props.hub.watchThings([thingId]);
    (async () => {
      const details = await props.api.get('/things/{thingId}', { params: { thingId } });
      if (cancelled) return;
      setThing(details);
      const from = new Date(Date.now() - hourMs).toISOString();
      const pages = await Promise.all(
        Object.keys(details.latest).map(async (metric) => ({ metric, page: await props.api.get('/things/{thingId}/telemetry', { params: { thingId }, query: { metric, from, resolution: 'raw', limit: '1000' } }) })),
      );
      if (cancelled) return;
      setSeries((previous) => {
        const next = { ...previous };
        for (const { metric, page } of pages) next[metric] = addPoints(next[metric] ?? [], pointsOf(page.items));
        return next;
      });
    })().catch((failure: unknown) => !cancelled && setError(describeError(failure)));
    return () => {
      cancelled = true;
      stopListening();
      stopWatching();
    };
  }, [props.api, props.hub, thingId]);

  const metrics = [...new Set([...Object.keys(thing?.latest ?? {}), ...Object.keys(series)])].sort();
  const latest = metrics
    .map((metric) => {
      const point = series[metric]?.at(-1);
      return point ? `${metric} ${formatNumber(point.v)}` : thing?.latest[metric] ? `${metric} ${formatNumber(thing.latest[metric].value)}` : null;
    })
    .filter(Boolean)
    .join(', ');

  return (
    <main class="wide">
      <p>
        <a href={href({ name: 'things' })}>Back to things</a>
      </p>
      <ScreenTitle>{thing ? thing.name : 'Thing'}</ScreenTitle>
      <ErrorLine message={error} />
      {thing === null && !error ? <p role="status">Opening the thing…</p> : null}
      {thing ? (
        <>
          <p role="status" class="sync-status">
            {thing.online ? 'Online' : 'Offline'}
            {thing.lastSeenAt ? ` · last seen ${new Date(thing.lastSeenAt).toLocaleString()}` : ''}
          </p>
          <section aria-labelledby="readings-title">
            <h2 id="readings-title">Readings</h2>
            <p role="status" aria-live="polite" class="latest">
              {latest ? `Latest: ${latest}` : 'No readings yet.'}
            </p>
            {metrics.map((metric) => (
              <Chart key={metric} metric={metric} points={series[metric] ?? []} />
            ))}
          </section>
          <section aria-labelledby="state-title">
            <h2 id="state-title">State (version {thing.state.version})</h2>
            <div class="versions">
              <StateList title="Reported" value={thing.state.reported} />
              <StateList title="Desired" value={thing.state.desired} />
            </div>
            {Object.keys(thing.state.delta).length > 0 ? <p>Waiting for the device: {Object.keys(thing.state.delta).join(', ')}</p> : null}
          </section>
          <DesiredForm api={props.api} thingId={thingId} onState={(state) => setThing((previous) => (previous ? { ...previous, state } : previous))} />
          <AlertRules api={props.api} thingId={thingId} metrics={metrics} />
        </>
      ) : null}
    </main>
  );
}
