// The account fields as the routes take them: the rules of domain/account-fields.ts, described for the document.
import { annotate } from '@photonotes/shared/openapi';
import * as rules from '../domain/account-fields';

export const email = rules.email;
export const password = annotate(rules.password, { description: '8..128 characters, at least one letter and one digit, no leading or trailing blank' });
export const displayName = annotate(rules.displayName, { description: 'One line of visible text, trimmed' });
export const bio = annotate(rules.bio, { description: 'Free text' });
