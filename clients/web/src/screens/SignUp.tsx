import { useState } from 'preact/hooks';
import type { Session } from '@photonotes/client';
import { ErrorLine, Field, ScreenTitle, useSubmit } from '../components';

/** Creates the account, confirms it with the mailed code where the stage asks for one, then signs in. */
export function SignUp(props: { session: Session; onSignedIn: () => void; onSignIn: () => void }) {
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const { busy, error, submit } = useSubmit(async () => {
    const address = email.trim();
    if (needsCode) await props.session.api.post('/auth/confirm', { body: { email: address, code: code.trim() } });
    else {
      const created = await props.session.api.post('/auth/signup', { body: { email: address, password, displayName: displayName.trim() } });
      if (!created.confirmed) {
        setNeedsCode(true); // the emailed code is asked for next, on this screen
        return false;
      }
    }
    await props.session.logIn(address, password);
    props.onSignedIn();
  });

  return (
    <main>
      <ScreenTitle>Create an account</ScreenTitle>
      <form onSubmit={submit}>
        <Field label="Name">{(id) => <input id={id} autoComplete="name" required maxLength={80} disabled={needsCode} value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />}</Field>
        <Field label="Email">{(id) => <input id={id} type="email" autoComplete="email" required disabled={needsCode} value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}</Field>
        <Field label="Password" hint="8 to 128 characters, with at least one letter and one digit.">
          {(id) => <input id={id} type="password" autoComplete="new-password" required minLength={8} maxLength={128} aria-describedby={`${id}-hint`} disabled={needsCode} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
        </Field>
        {needsCode ? (
          <Field label="Confirmation code" hint="We sent it to your email.">
            {(id) => <input id={id} inputMode="numeric" autoComplete="one-time-code" required aria-describedby={`${id}-hint`} value={code} onInput={(e) => setCode(e.currentTarget.value)} />}
          </Field>
        ) : null}
        <ErrorLine message={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Please wait…' : needsCode ? 'Confirm and sign in' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account?{' '}
        <button type="button" class="link" onClick={props.onSignIn}>
          Sign in
        </button>
      </p>
    </main>
  );
}
