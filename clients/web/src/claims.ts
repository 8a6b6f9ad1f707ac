// What the app reads from the signed-in user's access token: who they are (`sub`) and their Cognito groups.
// Only to choose what to show: the API checks the token itself on every call.
export interface Claims {
  userId: string;
  groups: string[];
}

export function claimsOf(token: string | undefined): Claims | null {
  try {
    const payload = JSON.parse(atob((token?.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown; 'cognito:groups'?: unknown };
    if (typeof payload.sub !== 'string') return null;
    const groups = Array.isArray(payload['cognito:groups']) ? payload['cognito:groups'].filter((group): group is string => typeof group === 'string') : [];
    return { userId: payload.sub, groups };
  } catch {
    return null;
  }
}
