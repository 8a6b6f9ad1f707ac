// The user's things with their online state (live from `thing.state`), and registering one: its credentials are
// shown this once, in a panel that says so, with a copy button for each; closing it forgets them.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Client } from '@photonotes/client';
import { ErrorLine, Field, ScreenTitle, useSubmit } from '../components';
import { describeError } from '../errors';
import { explainError } from '../explain';
import type { RealtimeHub } from '../realtime-hub';
import { href } from '../router';
import { mergeThings, parseAttributes, parseThingName, type Credentials, type Thing } from '../things';

function CopyRow(props: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }
  return (
    <div class="copy-row">
      <dt>{props.label}</dt>
      <dd>
        <code>{props.value}</code>{' '}
        <button type="button" class="secondary" aria-label={`${copied ? 'Copied' : 'Copy'} ${props.label.toLowerCase()}`} onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </dd>
    </div>
  );
}

/** The one-time credentials: focused when shown, gone for good when closed. */
export function CredentialsPanel(props: { name: string; credentials: Credentials; onClose: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => heading.current?.focus(), []);
  const { credentials } = props;
  return (
    <section class="credentials" role="dialog" aria-labelledby="credentials-title" aria-describedby="credentials-warning">
      <h2 id="credentials-title" ref={heading} tabIndex={-1}>
        Credentials for {props.name}
      </h2>
      <p id="credentials-warning">
        <strong>Copy them now: they will not be shown again.</strong> If they are lost, issue new ones.
      </p>
      <dl>
        <CopyRow label="MQTT URL" value={credentials.mqttUrl} />
        <CopyRow label="Client id" value={credentials.clientId} />
        <CopyRow label="Username" value={credentials.username} />
        <CopyRow label="Password" value={credentials.password} />
        <CopyRow label="Telemetry topic" value={credentials.topics.telemetry} />
        <CopyRow label="Reported state topic" value={credentials.topics.reported} />
        <CopyRow label="Desired state topic" value={credentials.topics.desired} />
      </dl>
      <button type="button" onClick={props.onClose}>
        I have copied them, close
      </button>
    </section>
  );
}

export function Things(props: { api: Pick<Client, 'get' | 'post'>; hub: Pick<RealtimeHub, 'listen'> }) {
  const [things, setThings] = useState<Thing[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [attributes, setAttributes] = useState('');
  const [issued, setIssued] = useState<{ name: string; credentials: Credentials } | null>(null);
  const registered = useRef<Thing[]>([]); // registered here: kept in the list whatever order the first page arrives in

  async function load(after: string | null) {
    setError(null);
    try {
      const page = await props.api.get('/things', { query: after ? { cursor: after } : {} });
      setThings((previous) => (after ? [...previous, ...page.items.filter((item) => !previous.some((known) => known.thingId === item.thingId))] : mergeThings(page.items, registered.current)));
      setCursor(page.nextCursor);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setLoaded(true);
    }
  }

  useEffect(() => void load(null), [props.api]);
  useEffect(
    () =>
      props.hub.listen((message) => {
        if (message.type === 'thing.state') setThings((previous) => previous.map((thing) => (thing.thingId === message.thingId ? { ...thing, online: message.online } : thing)));
      }),
    [props.hub],
  );

  // A form mistake is thrown as an Error: its message is the form's error line, as the API's refusal is.
  const { busy: saving, error: formError, submit: register } = useSubmit(async () => {
    const parsedName = parseThingName(name);
    const parsedAttributes = parseAttributes(attributes);
    if (!parsedName.ok) throw new Error(parsedName.error);
    if (!parsedAttributes.ok) throw new Error(parsedAttributes.error);
    const created = await props.api.post('/things', { body: { name: parsedName.value, attributes: parsedAttributes.value } });
    registered.current = [created.thing, ...registered.current];
    setThings((previous) => mergeThings(previous, [created.thing]));
    setIssued({ name: created.thing.name, credentials: created.credentials });
    setName('');
    setAttributes('');
    return false; // the screen stays: the form is ready for the next thing
  }, explainError);

  return (
    <main>
      <ScreenTitle>Things</ScreenTitle>
      {issued ? <CredentialsPanel name={issued.name} credentials={issued.credentials} onClose={() => setIssued(null)} /> : null}
      <form onSubmit={(event) => void register(event)} aria-labelledby="register-title" noValidate>
        <h2 id="register-title">Register a thing</h2>
        <Field label="Thing name">{(id) => <input id={id} value={name} maxLength={80} onInput={(event) => setName(event.currentTarget.value)} />}</Field>
        <Field label="Attributes" hint="One key=value per line, for example room=kitchen (up to 20).">
          {(id) => <textarea id={id} rows={3} aria-describedby={`${id}-hint`} value={attributes} onInput={(event) => setAttributes(event.currentTarget.value)} />}
        </Field>
        <ErrorLine message={formError} />
        <button type="submit" disabled={saving}>
          {saving ? 'Registering…' : 'Register'}
        </button>
      </form>
      <h2>Your things</h2>
      <p role="status" class="sync-status">
        {!loaded ? 'Loading your things…' : `${things.length} ${things.length === 1 ? 'thing' : 'things'}, ${things.filter((thing) => thing.online).length} online.`}
      </p>
      <ErrorLine message={error} />
      <ul class="notes things">
        {things.map((thing) => (
          <li key={thing.thingId}>
            <a href={href({ name: 'thing', id: thing.thingId })}>{thing.name}</a>{' '}
            <span class={thing.online ? 'badge online' : 'badge'}>{thing.online ? 'online' : 'offline'}</span>
            {Object.keys(thing.attributes).length > 0 ? (
              <small>
                {' '}
                {Object.entries(thing.attributes)
                  .map(([key, value]) => `${key}=${value}`)
                  .join(', ')}
              </small>
            ) : null}
          </li>
        ))}
      </ul>
      {cursor !== null ? (
        <button type="button" class="secondary" onClick={() => void load(cursor)}>
          Load more
        </button>
      ) : null}
    </main>
  );
}
