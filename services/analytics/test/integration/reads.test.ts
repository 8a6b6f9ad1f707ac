// The admin reads against what the tests sent: summary, events/{type} (with by=) and retention, computed here from
// the plan of events and compared with the service's answers once processEvents has applied them. Each test writes
// to days no other test uses (events may be up to 30 days old) and the seed does not (its last 7 days; the users
// tests run it on the same platform), so the day totals are the test's own. The summary's days (9 to 7 ago) stay
// out of the retention test's weeks too: the week of its last day (16 ago) ends 10 days ago at the latest.
import { randomUUID } from 'node:crypto';
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { createTestAdmin, createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { sendEvents } from '../support/analytics-client';
import type { AppEvent } from '../support/analytics-client';

// Several users, a few dozen batches and the pipeline's delay: more than the default 30 s on a loaded machine.
jest.setTimeout(120_000);

interface Summary {
  days: Array<{ date: string; activeUsers: number; newUsers: number; sessions: number; events: number }>;
  totals: { activeUsers: number; sessions: number; events: number };
  topEvents: Array<{ type: string; count: number }>;
}
interface EventReport {
  type: string;
  days: Array<{ date: string; count: number; metrics: Record<string, { sum: number; min: number; max: number }> }>;
  by: Array<{ value: string; count: number }>;
}
interface Retention {
  cohorts: Array<{ start: string; size: number; retained: number[] }>;
}

const dayMs = 86_400_000;
const todayStart = Math.floor(Date.now() / dayMs) * dayMs;
const date = (daysAgo: number) => new Date(todayStart - daysAgo * dayMs).toISOString().slice(0, 10);
const at = (daysAgo: number, minute: number) => new Date(todayStart - daysAgo * dayMs + 9 * 3600_000 + minute * 60_000).toISOString();

/** An actor of the plan: an install, signed in or not. */
interface Actor {
  installId: string;
  user: TestUser | null;
}

/** Sends each actor's events of a day as one batch (anonymous or with the user's token). */
async function send(actor: Actor, events: AppEvent[]): Promise<void> {
  const response = await sendEvents({ installId: actor.installId, platform: 'ios', events }, actor.user?.accessToken);
  if (response.status !== 202 || response.body.rejected.length > 0) throw new Error(`POST /analytics/events answered ${response.status}: ${response.text}`);
}

let admin: TestUser;
let member: TestUser;

beforeAll(async () => {
  [admin, member] = await Promise.all([createTestAdmin('analytics-admin'), createTestUser('analytics-member')]);
});

describe('GET /analytics/summary and /analytics/events/{type}', () => {
  test('the numbers equal those computed from what was sent: daily actives, new users, sessions, events, top events, metrics and top attribute values; a replayed batch counts once', async () => {
    // Prepare: days 9, 8 and 7 ago (older than the seed's, newer than the retention test's weeks); 4 anonymous installs and 2 signed-in users; two event types of this test.
    const users = await Promise.all([createTestUser('analytics-a'), createTestUser('analytics-b')]);
    const actors: Actor[] = [...Array.from({ length: 4 }, () => ({ installId: randomUUID(), user: null })), ...users.map((user) => ({ installId: randomUUID(), user }))];
    const viewType = `view_${randomUUID().slice(0, 8)}`;
    const buyType = `buy_${randomUUID().slice(0, 8)}`;
    const screens = ['home', 'camera', 'gallery'];
    // Who is active when: actor i on day 9 if i < 4, on day 8 if i is odd, on day 7 if i >= 2.
    const plan: Array<{ daysAgo: number; actor: number; events: AppEvent[] }> = [];
    for (const [daysAgo, active] of [
      [9, (i: number) => i < 4],
      [8, (i: number) => i % 2 === 1],
      [7, (i: number) => i >= 2],
    ] as const) {
      actors.forEach((_, i) => {
        if (!active(i)) return;
        const sessionId = randomUUID();
        const events: AppEvent[] = [{ id: randomUUID(), type: '_session.start', at: at(daysAgo, i), sessionId }];
        for (let k = 0; k <= i % 3; k++) {
          events.push({ id: randomUUID(), type: viewType, at: at(daysAgo, i + k + 1), sessionId, attributes: { screen: screens[(i + k) % 3] as string }, metrics: { ms: 100 * (i + 1) + k } });
        }
        if (i === 5) events.push({ id: randomUUID(), type: buyType, at: at(daysAgo, 30), sessionId, metrics: { amount: 4.5 } });
        plan.push({ daysAgo, actor: i, events });
      });
    }

    // Act: every batch, then one of them again (a client retry).
    for (const { actor, events } of plan) await send(actors[actor] as Actor, events);
    const replayed = plan[0] as (typeof plan)[number];
    await send(actors[replayed.actor] as Actor, replayed.events);

    // Assess: the expected numbers, from the plan.
    const days = [9, 8, 7].map((daysAgo) => {
      const entries = plan.filter((entry) => entry.daysAgo === daysAgo);
      const firstDays = new Map<number, number>();
      for (const entry of plan) firstDays.set(entry.actor, Math.max(firstDays.get(entry.actor) ?? 0, entry.daysAgo));
      return {
        date: date(daysAgo),
        activeUsers: new Set(entries.map((entry) => entry.actor)).size,
        newUsers: [...firstDays.values()].filter((first) => first === daysAgo).length,
        sessions: entries.length,
        events: entries.reduce((sum, entry) => sum + entry.events.length, 0),
      };
    });
    const allEvents = plan.flatMap((entry) => entry.events);
    const query = `from=${date(9)}&to=${date(7)}`;
    const summary = await eventually(
      () => api<Summary>(`/analytics/summary?${query}`, { token: admin.accessToken }),
      // Counters and distinct-count sketches are separate writes: wait until both show the test's events.
      (response) => response.status === 200 && response.body.totals.events === allEvents.length && JSON.stringify(response.body.days) === JSON.stringify(days),
      30_000,
    );
    expect(summary.body.days).toEqual(days);
    expect(summary.body.totals).toEqual({ activeUsers: actors.length, sessions: plan.length, events: allEvents.length });
    const counted = (type: string) => allEvents.filter((event) => event.type === type).length;
    expect(summary.body.topEvents).toEqual(expect.arrayContaining([{ type: viewType, count: counted(viewType) }, { type: buyType, count: counted(buyType) }]));

    const report = await api<EventReport>(`/analytics/events/${viewType}?${query}&by=screen`, { token: admin.accessToken });
    expect(report.status).toBe(200);
    expect(report.body.type).toBe(viewType);
    const views = (daysAgo: number) => plan.filter((entry) => entry.daysAgo === daysAgo).flatMap((entry) => entry.events.filter((event) => event.type === viewType));
    expect(report.body.days).toEqual(
      [9, 8, 7].map((daysAgo) => {
        const ms = views(daysAgo).map((event) => event.metrics?.ms as number);
        return { date: date(daysAgo), count: ms.length, metrics: { ms: { sum: ms.reduce((a, b) => a + b, 0), min: Math.min(...ms), max: Math.max(...ms) } } };
      }),
    );
    const byScreen = new Map<string, number>();
    for (const event of allEvents.filter((item) => item.type === viewType)) byScreen.set(String(event.attributes?.screen), (byScreen.get(String(event.attributes?.screen)) ?? 0) + 1);
    expect(report.body.by).toEqual([...byScreen].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)));
    const plain = await api<EventReport>(`/analytics/events/${buyType}?${query}`, { token: admin.accessToken });
    expect(plain.body.by).toEqual([]);
    expect(plain.body.days.map((day) => day.metrics.amount?.sum ?? 0)).toEqual([9, 8, 7].map((daysAgo) => (plan.some((entry) => entry.daysAgo === daysAgo && entry.actor === 5) ? 4.5 : 0)));
  });
});

describe('GET /analytics/retention', () => {
  test('weekly and daily cohorts: each cohort\'s size and how many of it came back in each later period', async () => {
    // Prepare: six actors first seen between 29 and 16 days ago, each back on a few later days of the window.
    const actors: Actor[] = Array.from({ length: 6 }, () => ({ installId: randomUUID(), user: null }));
    const activeDays: number[][] = [[29, 22, 16], [28, 20], [27], [23, 17], [22, 21, 16], [18]];
    for (const [i, daysAgoList] of activeDays.entries()) {
      for (const daysAgo of daysAgoList) await send(actors[i] as Actor, [{ id: randomUUID(), type: 'opened', at: at(daysAgo, i) }]);
    }
    const from = date(29);
    const to = date(16);
    const weekOf = (daysAgo: number) => {
      const day = new Date(todayStart - daysAgo * dayMs);
      return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * dayMs).toISOString().slice(0, 10);
    };
    const expectedCohorts = (key: (daysAgo: number) => string, periods: string[]) =>
      periods.map((start, index) => {
        const members = activeDays.filter((list) => key(list[0] as number) === start);
        const retained = periods.slice(index).map((period) => members.filter((list) => list.some((daysAgo) => key(daysAgo) === period)).length);
        return { start, size: retained[0] as number, retained };
      });
    const weeks = [...new Set(Array.from({ length: 14 }, (_, k) => weekOf(29 - k)))];
    const days = Array.from({ length: 14 }, (_, k) => date(29 - k));

    // Act
    const weekly = await eventually(
      () => api<Retention>(`/analytics/retention?from=${from}&to=${to}&period=week`, { token: admin.accessToken }),
      (response) => response.status === 200 && response.body.cohorts.reduce((sum, cohort) => sum + cohort.size, 0) === actors.length,
      30_000,
    );
    const daily = await api<Retention>(`/analytics/retention?from=${from}&to=${to}&period=day`, { token: admin.accessToken });

    // Assess
    expect(weekly.body.cohorts).toEqual(expectedCohorts(weekOf, weeks));
    expect(daily.body.cohorts).toEqual(expectedCohorts(date, days));
  });
});

describe('who may read', () => {
  test.each(['/analytics/summary', '/analytics/events/opened', '/analytics/retention'])('%s: 403 for a signed-in user outside admins, 401 without a token, 400 for a bad range', async (path) => {
    // Act
    const forbidden = await api<ErrorBody>(path, { token: member.accessToken });
    const anonymous = await api<ErrorBody>(path);
    const badRange = await api<ErrorBody>(`${path}?from=2025-01-01&to=2026-11-30`, { token: admin.accessToken });
    const badDate = await api<ErrorBody>(`${path}?from=2026-02-30`, { token: admin.accessToken });

    // Assess
    expect([forbidden.status, forbidden.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
    expect([badRange.status, badDate.status]).toEqual([400, 400]);
  });
});
