import { isApiError } from '@photonotes/client';

/** A sentence for the person at the screen, from any failure of a call. */
export function describeError(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 0) return 'No connection to PhotoNotes. Check your network and try again.';
    return error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}
