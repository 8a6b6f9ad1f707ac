// The web app's inbox, things and admin screens in headless Chromium, against the test platform: a thing is
// registered in the UI (its credentials shown once, gone once the panel is closed), a simulated device connects
// over MQTT with them and its readings appear on the thing's chart without a reload; desired state set in the UI
// reaches the device (the retained desired message) and the shadow's delta; an alert rule added in the UI fires
// and its notification arrives live in the inbox, where it is marked read; an admin sees the analytics summary
// with the events just sent, and anyone else is told the screen is for admins only.
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { closeDevices, connect, getThing } from '../../services/iot/test/support/things-client';
import { api, baseUrl } from '../support/api';
import { describeInBrowser, launchBrowser } from '../support/browser';
import { eventually } from '../support/eventually';
import { auditScreen } from '../support/screen-audit';
import { ensureWebBuilt } from '../support/web-build';
import { openApp, signInThroughApp } from '../support/web-app';
import { createTestAdmin, createTestUser, type TestUser } from '../support/users';

jest.setTimeout(180_000);

beforeAll(() => {
  ensureWebBuilt();
}, 90_000);

describeInBrowser('inbox, things and admin in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await closeDevices();
    await browser?.close();
  });

  /**
   * `user` signed in on a new page, which records page errors. Pages are closed, not their contexts: the npm
   * Chromium runs as a single process, where closing a context can end the browser.
   */
  async function signIn(user: TestUser): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl() });
    const opened = await openApp(context, { recordFailedCalls: false });
    await signInThroughApp(opened.page, user);
    return opened;
  }

  test('a thing registered in the UI shows its credentials once; its device readings appear live, desired state reaches the device, and an alert lands in the inbox live and is marked read', async () => {
    // Prepare
    const owner = await createTestUser('web-things');
    const { page, problems } = await signIn(owner);
    const name = `Web thermostat ${randomUUID().slice(0, 6)}`;

    // Act: register in the UI, read the one-time credentials off the panel, close it.
    await page.getByRole('link', { name: 'Things' }).click();
    await page.getByRole('heading', { name: 'Things', exact: true }).waitFor();
    await page.getByLabel('Thing name').fill(name);
    await page.getByLabel('Attributes').fill('room=lab\nfloor=2');
    await page.getByRole('button', { name: 'Register' }).click();
    const panel = page.getByRole('dialog', { name: `Credentials for ${name}` });
    await panel.waitFor({ timeout: 15_000 });
    const warning = await panel.textContent();
    const value = (label: string) => panel.locator('dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]/code').textContent();
    const credentials = { clientId: (await value('Client id')) ?? '', username: (await value('Username')) ?? '', password: (await value('Password')) ?? '' };
    const topics = { telemetry: (await value('Telemetry topic')) ?? '', desired: (await value('Desired state topic')) ?? '' };
    await panel.getByRole('button', { name: 'Copy password' }).click();
    const copied = await page.evaluate('navigator.clipboard.readText()');
    const violations = await auditScreen(page, 'things');
    await panel.getByRole('button', { name: /close/ }).click();
    const passwordShownAfterClose = await page.getByText(credentials.password).count();
    const listed = await page.getByRole('listitem').filter({ hasText: name }).textContent();

    // Act: open the thing, add an alert rule in the UI, then a device connects and publishes with those credentials.
    await page.getByRole('link', { name }).click();
    await page.getByRole('heading', { name }).waitFor({ timeout: 15_000 });
    await page.getByLabel('Metric').fill('temp');
    await page.getByLabel('Condition').selectOption('gt');
    await page.getByLabel('Threshold').fill('30');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('button', { name: 'Remove rule: temp above 30' }).waitFor({ timeout: 10_000 });
    const device: MqttClient = await connect(credentials);
    const desiredMessages: Array<{ version: number; desired: Record<string, unknown> }> = [];
    device.on('message', (topic, payload) => {
      if (topic === topics.desired) desiredMessages.push(JSON.parse(payload.toString()) as { version: number; desired: Record<string, unknown> });
    });
    await device.subscribeAsync(topics.desired, { qos: 1 });
    await page.getByRole('status').filter({ hasText: /^Online/ }).waitFor({ timeout: 20_000 });
    await device.publishAsync(topics.telemetry, JSON.stringify({ metrics: { temp: 21.5 } }), { qos: 1 });
    await page.getByRole('status').filter({ hasText: 'Latest: temp 21.5' }).waitFor({ timeout: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await device.publishAsync(topics.telemetry, JSON.stringify({ metrics: { temp: 35 } }), { qos: 1 });
    await page.getByRole('status').filter({ hasText: 'Latest: temp 35' }).waitFor({ timeout: 20_000 });
    const chartName = await page.getByRole('img', { name: /Line chart of temp/ }).getAttribute('aria-label');
    const tableRows = await page.getByRole('table', { name: 'Latest temp readings' }).locator('tbody tr').count();

    // Act: desired state from the UI reaches the device and the shadow's delta.
    await page.getByLabel('Desired state (JSON)').fill('{"targetTemp": "not closed');
    await page.getByRole('button', { name: 'Send desired state' }).click();
    const invalid = await page.getByRole('alert').textContent();
    await page.getByLabel('Desired state (JSON)').fill('{"targetTemp": 23}');
    await page.getByRole('button', { name: 'Send desired state' }).click();
    await page.getByRole('status').filter({ hasText: 'Desired state sent' }).waitFor({ timeout: 10_000 });
    const received = await eventually(
      async () => desiredMessages,
      (messages) => messages.some((message) => message.desired.targetTemp === 23),
      20_000,
    );
    const shadow = await getThing(owner, credentials.clientId);
    violations.push(...(await auditScreen(page, 'thing')));

    // Act: the alert's notification arrives live (the nav's unread count), and is marked read in the inbox.
    await page.getByRole('link', { name: 'Inbox, 1 unread' }).waitFor({ timeout: 20_000 });
    await page.getByRole('link', { name: 'Inbox, 1 unread' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.getByRole('status').filter({ hasText: '1 unread notification' }).waitFor({ timeout: 10_000 });
    violations.push(...(await auditScreen(page, 'inbox')));
    await page.getByRole('button', { name: /^Mark read:/ }).click();
    await page.getByRole('status').filter({ hasText: 'No unread notifications.' }).waitFor({ timeout: 10_000 });
    const inbox = await eventually(
      () => api<{ items: Array<{ type: string; readAt: string | null; data: Record<string, unknown> }> }>('/notifications', { token: owner.accessToken }),
      (response) => response.body.items?.every((item) => item.readAt !== null) ?? false,
      10_000,
    );
    const navAfter = await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox', exact: true }).count();

    // Assess
    expect(warning).toContain('they will not be shown again');
    expect(credentials.clientId).not.toBe('');
    expect(credentials.password.length).toBeGreaterThan(8);
    expect(copied).toBe(credentials.password);
    expect(passwordShownAfterClose).toBe(0);
    expect(listed).toContain('room=lab');
    expect(chartName).toContain('latest 35');
    expect(tableRows).toBe(2);
    expect(invalid).toContain('valid JSON');
    expect(received.some((message) => message.desired.targetTemp === 23)).toBe(true);
    expect(shadow.body.state.desired).toEqual({ targetTemp: 23 });
    expect(shadow.body.state.delta).toEqual({ targetTemp: 23 });
    expect(inbox.body.items).toEqual([expect.objectContaining({ type: 'thing.alert', data: expect.objectContaining({ thingId: credentials.clientId, metric: 'temp', value: 35 }) })]);
    expect(inbox.body.items[0]?.readAt).not.toBeNull();
    expect(navAfter).toBe(1);
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('an admin sees the analytics summary with the events just sent; anyone else is told the screen is for admins only', async () => {
    // Prepare
    const [admin, member] = await Promise.all([createTestAdmin('web-admin'), createTestUser('web-member')]);
    const type = `web_check_${randomUUID().slice(0, 8)}`;
    const sessionId = randomUUID();
    const events = [0, 1, 2].map((index) => ({ id: randomUUID(), type, at: new Date(Date.now() - index * 1000).toISOString(), sessionId, attributes: { screen: index === 0 ? 'home' : 'camera' } }));
    const sent = await api<{ accepted: number }>('/analytics/events', { method: 'POST', token: admin.accessToken, body: { installId: randomUUID(), platform: 'web', events } });
    expect(sent.status).toBe(202);

    // Act: the admin opens Admin and refreshes until the pipeline (the buffer's stream → processEvents → the aggregates) has the events.
    const { page, problems } = await signIn(admin);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Admin' }).waitFor();
    const from = await page.getByLabel('From').inputValue();
    const to = await page.getByLabel('To').inputValue();
    const row = page.getByRole('table', { name: /Top events/ }).getByRole('row', { name: new RegExp(type) });
    const until = Date.now() + 30_000;
    while ((await row.count()) === 0 && Date.now() < until) {
      await page.waitForTimeout(1000);
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.getByRole('status').filter({ hasText: 'Analytics from' }).waitFor({ timeout: 10_000 });
    }
    const rowText = await row.textContent();
    const today = await page.getByRole('table', { name: 'Per day' }).getByRole('row', { name: new RegExp(to) }).textContent();
    await page.getByLabel('Event type', { exact: true }).fill(type);
    await page.getByLabel('Break down by attribute (optional)').fill('screen');
    await page.getByRole('button', { name: 'Show event' }).click();
    const byTable = page.getByRole('table', { name: 'Top values of screen' });
    await byTable.waitFor({ timeout: 10_000 });
    const byScreen = await byTable.locator('tbody tr').allTextContents();
    const violations = await auditScreen(page, 'admin');

    const other = await signIn(member);
    const adminLinks = await other.page.getByRole('link', { name: 'Admin' }).count();
    await other.page.goto(`${baseUrl()}/app/#/admin`);
    const refused = await other.page.getByRole('alert').textContent({ timeout: 10_000 });
    const apiAnswer = await api('/analytics/summary', { token: member.accessToken });

    // Assess
    const dayMs = 86_400_000;
    expect(Date.parse(to) - Date.parse(from)).toBe(6 * dayMs);
    expect(to).toBe(new Date().toISOString().slice(0, 10));
    expect(rowText).toBe(`${type}3`);
    expect(today).toMatch(new RegExp(`^${to}`));
    expect(byScreen).toEqual(['camera2', 'home1']);
    expect(violations).toEqual([]);
    expect(adminLinks).toBe(0);
    expect(refused).toContain('Admins only');
    expect(apiAnswer.status).toBe(403);
    expect([...problems, ...other.problems]).toEqual([]);
    await page.close();
    await other.page.close();
  });
});
