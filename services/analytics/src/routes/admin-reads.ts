// What the three admin reads share (each is for the `admins` group only: API.md): how their range is documented,
// and their errors.
import { rangeLimits } from '../domain/read-range';

export const rangeDescription =
  `\`from\` and \`to\` are UTC dates (YYYY-MM-DD), both included; every day of the range is listed, zeros where nothing happened. ` +
  `Left out, \`to\` is today (UTC) and \`from\` ${rangeLimits.defaultDays - 1} days before \`to\` (the last ${rangeLimits.defaultDays} days); a range is at most ${rangeLimits.maxDays} days.`;

export const adminErrors = {
  400: `A date that is not YYYY-MM-DD, \`from\` after \`to\`, or a range over ${rangeLimits.maxDays} days`,
  403: 'The caller is not in the admins group',
} as const;
