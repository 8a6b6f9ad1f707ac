// Small building blocks shared by the screens: a labelled field, an error line, a heading that takes focus, a
// form's submission.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { describeError } from './errors';

let fieldCount = 0;

export function Field(props: { label: string; children: (id: string) => ComponentChildren; hint?: string }) {
  const id = useRef(`field-${(fieldCount += 1)}`).current;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id)}
      {props.hint ? <small id={`${id}-hint`}>{props.hint}</small> : null}
    </div>
  );
}

export function ErrorLine(props: { message: string | null }) {
  return props.message ? (
    <p class="error" role="alert">
      {props.message}
    </p>
  ) : null;
}

/**
 * The screen's title; focused when the screen appears, so keyboard and screen-reader users land on it. Focused as
 * the screen is mounted (a layout effect), not a frame later: typing that starts at once must not lose its focus.
 */
export function ScreenTitle(props: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => ref.current?.focus(), []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {props.children}
    </h1>
  );
}

/**
 * A form's submission: `busy` while `action` runs, its failure in words as `error` (`describe` says it). The
 * form stays busy after a success (the screen is being left) unless `action` resolves false (it stays open).
 */
export function useSubmit(action: () => Promise<boolean | void>, describe: (failure: unknown) => string = describeError) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if ((await action()) === false) setBusy(false);
    } catch (failure) {
      setError(describe(failure));
      setBusy(false);
    }
  }
  return { busy, error, submit };
}
