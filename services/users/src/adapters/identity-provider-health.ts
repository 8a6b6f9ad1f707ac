// Health of the identity provider: its signing keys are what every protected route needs, and fetching
// them needs no credentials (Cognito and cognito-local alike).
import type { HealthCheck } from '@photonotes/shared/health';

export function keySetIsReachable(jwksUrl: string, fetchImpl: typeof fetch = fetch): HealthCheck {
  return async () => {
    const response = await fetchImpl(jwksUrl, { signal: AbortSignal.timeout(1500) });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`${jwksUrl} answered ${response.status}`);
  };
}
