// Stands in for @aws-sdk/credential-provider-node in Lambda bundles (see scripts/esbuild-plugins.cjs).
// Lambda always hands a function its role's credentials in environment variables, and so does the
// local platform; the default chain's SSO, INI, STS and IMDS providers would add ~90 KB and never run.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = () => fromEnv();

/** The SDK asks these of the default chain; env credentials never need the refresh they describe. */
export const credentialsWillNeedRefresh = () => false;
export const credentialsTreatedAsExpired = () => false;
