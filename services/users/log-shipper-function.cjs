// The logShipper function (README, "Operations: logs to search"), merged into serverless.yml's `functions` only
// when the stage's logsOpenSearchEndpoint param names an OpenSearch domain; otherwise null, which the framework
// drops, so a stage without search deploys no shipper, no subscription and no permission.
// The domain is the stage's to create (its cost is the README's): the function gets `es:ESHttpPost` on that
// domain's `_bulk` path alone, from logsOpenSearchDomainArn.
const domainArnPattern = /^arn:aws[a-z-]*:es:([a-z0-9-]+):\d{12}:domain\/[a-z][a-z0-9-]{2,27}$/;

/**
 * The definition for the given param values: null when `endpoint` is empty. Sync, so tests can read what a stage
 * deploys (scripts/test/support/http-functions.ts asks it, as `definition`, for the local stage's params).
 */
function logShipperFunction({ endpoint, domainArn, stage }) {
  if (!endpoint) return null;
  const match = domainArnPattern.exec(String(domainArn || ''));
  if (!match) throw new Error(`logsOpenSearchEndpoint is set: logsOpenSearchDomainArn must be the domain's ARN (arn:aws:es:<region>:<account>:domain/<name>), not "${domainArn}"`);
  const failures = { 'Fn::GetAtt': ['LogShipperFailuresQueue', 'Arn'] };
  return {
    handler: 'src/platform/functions/ship-logs.handler',
    description: 'Ships every function log line of the stage to OpenSearch (_bulk)',
    // A subscription batch is at most a few MB; one _bulk request per 5 MB, retried with a backoff.
    timeout: 60,
    environment: {
      LOGS_OPENSEARCH_ENDPOINT: endpoint,
      // The domain's own region signs the requests (SigV4 for `es`).
      LOGS_OPENSEARCH_REGION: match[1],
      LOGS_INDEX_PREFIX: `photonotes-logs-${stage}`,
    },
    iamRoleStatements: [
      { Effect: 'Allow', Action: ['es:ESHttpPost'], Resource: `${domainArn}/_bulk` },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: failures },
    ],
    // CloudWatch Logs invokes it asynchronously: two retries, then the failure queue keeps the batch (its depth
    // alarm fires); invoking it again with the record's requestPayload replays it, and CloudWatch's ids keep the
    // documents from doubling.
    maximumRetryAttempts: 2,
    maximumEventAge: 21600,
    destinations: { onFailure: { type: 'sqs', arn: failures } },
  };
}

// serverless.yml's `${file(./log-shipper-function.cjs), null}`: the framework calls it with its variable resolver;
// null is "not found" to it, hence the fallback.
module.exports = async ({ resolveVariable }) =>
  logShipperFunction({
    endpoint: await resolveVariable('param:logsOpenSearchEndpoint'),
    domainArn: await resolveVariable('param:logsOpenSearchDomainArn'),
    stage: await resolveVariable('sls:stage'),
  });
module.exports.definition = logShipperFunction;
