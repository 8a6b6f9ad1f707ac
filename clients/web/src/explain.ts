// A refused request in words, with the API's details: a 400's `details` name the field and what is wrong with it.
import { isApiError } from '@photonotes/client';
import { describeError } from './errors';

function detailText(detail: unknown): string | null {
  if (typeof detail !== 'object' || detail === null) return typeof detail === 'string' ? detail : null;
  const { path, message } = detail as { path?: unknown; message?: unknown };
  if (typeof message !== 'string') return null;
  const where = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '';
  return where ? `${where}: ${message}` : message;
}

/** "The request is invalid (desired.a: too deep)", or the plain sentence when the API sent no details. */
export function explainError(error: unknown): string {
  const sentence = describeError(error);
  if (!isApiError(error) || !error.details?.length) return sentence;
  const details = error.details.map(detailText).filter((text): text is string => text !== null);
  return details.length > 0 ? `${sentence} (${details.join('; ')})` : sentence;
}
