import { useState } from 'preact/hooks';
import type { Session } from '@photonotes/client';
import { ErrorLine, Field, ScreenTitle, useSubmit } from '../components';

export function SignIn(props: { session: Session; onSignedIn: () => void; onSignUp: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    await props.session.logIn(email.trim(), password);
    props.onSignedIn();
  });

  return (
    <main>
      <ScreenTitle>Sign in</ScreenTitle>
      <form onSubmit={submit}>
        <Field label="Email">{(id) => <input id={id} type="email" autoComplete="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}</Field>
        <Field label="Password">{(id) => <input id={id} type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}</Field>
        <ErrorLine message={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here?{' '}
        <button type="button" class="link" onClick={props.onSignUp}>
          Create an account
        </button>
      </p>
    </main>
  );
}
