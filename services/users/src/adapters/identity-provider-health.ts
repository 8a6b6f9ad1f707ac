// Health of the identity provider: its signing keys are what every protected route needs, and fetching
// them needs no credentials (Cognito and cognito-local alike).
import type { HealthCheck } from '@photonotes/shared/health';

/** `jwksUrl` is read when the check runs (README, "Wiring a service"). */
export function keySetIsReachable(jwksUrl: () => string, fetchImpl: typeof fetch = fetch): HealthCheck {
  return async () => {
    const url = jwksUrl();
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(1500) });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  };
}
