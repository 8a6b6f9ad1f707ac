// Analytics for the `admins` group (loaded on demand): the summary of a date range (a table of days and a small
// bar chart of events), one event type's days and top attribute values, and retention cohorts. Anyone else is
// told the screen is for admins only (the API answers them 403 anyway).
import { useEffect, useState } from 'preact/hooks';
import type { Client, Schemas } from '@photonotes/client';
import { bars, checkRange, eventType, lastDays, retentionCell, type DateRange } from '../analytics';
import { ErrorLine, Field, ScreenTitle, useSubmit } from '../components';
import { describeError } from '../errors';
import { explainError } from '../explain';

type Summary = Schemas['AnalyticsSummary'];
type EventReport = Schemas['AnalyticsEventReport'];
type Retention = Schemas['AnalyticsRetention'];

function EventsChart(props: { days: Summary['days'] }) {
  const height = 80;
  const barWidth = 16;
  const heights = bars(
    props.days.map((day) => day.events),
    height,
  );
  // The table below has every number: the chart is a picture of it.
  return (
    <svg class="bars" viewBox={`0 0 ${props.days.length * (barWidth + 4)} ${height}`} aria-hidden="true" focusable="false">
      {heights.map((h, index) => (
        <rect key={props.days[index]?.date} x={index * (barWidth + 4)} y={height - h} width={barWidth} height={h} fill="currentColor" />
      ))}
    </svg>
  );
}

function SummaryTables(props: { summary: Summary }) {
  const { summary } = props;
  return (
    <>
      <p>
        Over the range: {summary.totals.activeUsers} active users, {summary.totals.sessions} sessions, {summary.totals.events} app events.
      </p>
      <EventsChart days={summary.days} />
      <table>
        <caption>Per day</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Active users</th>
            <th scope="col">New users</th>
            <th scope="col">Sessions</th>
            <th scope="col">Events</th>
          </tr>
        </thead>
        <tbody>
          {summary.days.map((day) => (
            <tr key={day.date}>
              <th scope="row">{day.date}</th>
              <td>{day.activeUsers}</td>
              <td>{day.newUsers}</td>
              <td>{day.sessions}</td>
              <td>{day.events}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <CountTable caption="Top events (app and server)" label="Event type" rows={summary.topEvents.map((event) => ({ name: event.type, count: event.count }))} />
    </>
  );
}

/** Names and their counts: each row's name is its header cell. */
function CountTable(props: { caption: string; label: string; rows: { name: string; count: number }[] }) {
  return (
    <table>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{props.label}</th>
          <th scope="col">Count</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={row.name}>
            <th scope="row">{row.name}</th>
            <td>{row.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EventBreakdown(props: { api: Pick<Client, 'get'>; range: DateRange; types: string[] }) {
  const [type, setType] = useState('');
  const [by, setBy] = useState('');
  const [report, setReport] = useState<EventReport | null>(null);
  // A mistake in the type is thrown as an Error: its message is the error line, as the API's refusal is.
  const { error, submit: show } = useSubmit(async () => {
    const chosen = type.trim();
    if (!eventType.test(chosen)) throw new Error('An event type is 1 to 64 letters, digits, ".", "_", ":" or "-".');
    setReport(await props.api.get('/analytics/events/{type}', { params: { type: chosen }, query: { ...props.range, ...(by.trim() ? { by: by.trim() } : {}) } }));
    return false; // the form stays for the next type
  }, explainError);
  const metrics = report ? [...new Set(report.days.flatMap((day) => Object.keys(day.metrics)))].sort() : [];
  return (
    <section aria-labelledby="breakdown-title">
      <h2 id="breakdown-title">Event breakdown</h2>
      <form onSubmit={(event) => void show(event)} noValidate class="inline-form">
        <Field label="Event type">
          {(id) => (
            <>
              <input id={id} list="event-types" value={type} onInput={(event) => setType(event.currentTarget.value)} />
              <datalist id="event-types">
                {props.types.map((known) => (
                  <option key={known} value={known} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="Break down by attribute (optional)">{(id) => <input id={id} value={by} onInput={(event) => setBy(event.currentTarget.value)} />}</Field>
        <button type="submit">Show event</button>
      </form>
      <ErrorLine message={error} />
      {report ? (
        <>
          <table>
            <caption>{report.type} per day</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Count</th>
                {metrics.map((metric) => (
                  <th scope="col" key={metric}>
                    {metric} (sum / min / max)
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.days.map((day) => (
                <tr key={day.date}>
                  <th scope="row">{day.date}</th>
                  <td>{day.count}</td>
                  {metrics.map((metric) => {
                    const m = day.metrics[metric];
                    return <td key={metric}>{m ? `${m.sum} / ${m.min} / ${m.max}` : '–'}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          {report.by.length > 0 ? (
            <CountTable caption={`Top values of ${by.trim()}`} label="Value" rows={report.by.map((row) => ({ name: row.value, count: row.count }))} />
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function RetentionTable(props: { retention: Retention }) {
  const longest = Math.max(0, ...props.retention.cohorts.map((cohort) => cohort.retained.length));
  return (
    <table>
      <caption>Retention cohorts</caption>
      <thead>
        <tr>
          <th scope="col">Cohort start</th>
          <th scope="col">Size</th>
          {Array.from({ length: longest }, (_, index) => (
            <th scope="col" key={index}>
              Period {index}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.retention.cohorts.map((cohort) => (
          <tr key={cohort.start}>
            <th scope="row">{cohort.start}</th>
            <td>{cohort.size}</td>
            {Array.from({ length: longest }, (_, index) => (
              <td key={index}>{cohort.retained[index] === undefined ? '' : retentionCell(cohort.retained[index], cohort.size)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Admin(props: { api: Pick<Client, 'get'>; isAdmin: boolean }) {
  const [draft, setDraft] = useState<DateRange>(() => lastDays(new Date()));
  const [range, setRange] = useState<DateRange>(draft);
  const [period, setPeriod] = useState<'day' | 'week'>('day');
  const [summary, setSummary] = useState<Summary | null>(null);
  const [retention, setRetention] = useState<Retention | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!props.isAdmin) return;
    let cancelled = false;
    setLoading(true);
    setError(null);
    Promise.all([props.api.get('/analytics/summary', { query: range }), props.api.get('/analytics/retention', { query: { ...range, period } })])
      .then(([nextSummary, nextRetention]) => {
        if (cancelled) return;
        setSummary(nextSummary);
        setRetention(nextRetention);
      })
      .catch((failure: unknown) => !cancelled && setError(describeError(failure)))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [props.api, props.isAdmin, range, period]);

  if (!props.isAdmin) {
    return (
      <main>
        <ScreenTitle>Admin</ScreenTitle>
        <p role="alert">Admins only: this screen is for members of the admins group.</p>
      </main>
    );
  }

  function apply(event: Event) {
    event.preventDefault();
    const problem = checkRange(draft);
    if (problem) return setError(problem);
    setRange({ ...draft }); // a new object each time: Refresh re-runs the effect even when the dates are unchanged
  }

  return (
    <main class="wide">
      <ScreenTitle>Admin</ScreenTitle>
      <form onSubmit={apply} noValidate class="inline-form" aria-label="Date range">
        <Field label="From">{(id) => <input id={id} type="date" value={draft.from} onInput={(event) => setDraft({ ...draft, from: event.currentTarget.value })} />}</Field>
        <Field label="To">{(id) => <input id={id} type="date" value={draft.to} onInput={(event) => setDraft({ ...draft, to: event.currentTarget.value })} />}</Field>
        <button type="submit">Refresh</button>
      </form>
      <p role="status" class="sync-status">
        {loading ? 'Loading analytics…' : summary ? `Analytics from ${range.from} to ${range.to} (UTC).` : ''}
      </p>
      <ErrorLine message={error} />
      <section aria-labelledby="summary-title">
        <h2 id="summary-title">Summary</h2>
        {summary ? <SummaryTables summary={summary} /> : null}
      </section>
      <EventBreakdown api={props.api} range={range} types={summary?.topEvents.map((event) => event.type) ?? []} />
      <section aria-labelledby="retention-title">
        <h2 id="retention-title">Retention</h2>
        <Field label="Period">
          {(id) => (
            <select id={id} value={period} onChange={(event) => setPeriod(event.currentTarget.value === 'week' ? 'week' : 'day')}>
              <option value="day">Days</option>
              <option value="week">Weeks (from Monday)</option>
            </select>
          )}
        </Field>
        {retention ? <RetentionTable retention={retention} /> : null}
      </section>
    </main>
  );
}
