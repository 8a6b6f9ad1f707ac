// Logs to search (README, "Operations: logs to search"), for every stack of a stage whose logsOpenSearchEndpoint
// stage param names an OpenSearch domain; with it empty (the default) nothing here runs and the users stack has no
// shipper. Called by ops-alarms.cjs before it adds alarms, so the shipper's failure queue gets its depth alarm.
// - Every function's log group of the stack gets a subscription filter to the users stack's logShipper function
//   (src/platform/functions/ship-logs.ts), except the shipper's own: its lines would feed it again, forever.
// - One Lambda permission per stack lets CloudWatch Logs invoke the shipper for the stack's own log groups.
// - The users stack, which owns the shipper, also gets its failure queue (the on-failure destination of its
//   asynchronous invocations).

/** The shipper: the users service's `logShipper` function (its name is `<service>-<stage>-<function>`). */
const shipper = { service: 'users', logicalId: 'LogShipperLambdaFunction', logGroup: 'LogShipperLogGroup', queue: 'LogShipperFailuresQueue' };
const filterName = 'photonotes-logs-to-search';
const frameworkFunction = /^CustomDashresource/;

const shipperName = (stage) => `photonotes-${shipper.service}-${stage}-logShipper`;

/** The shipper's ARN: a GetAtt in its own stack, built from its name elsewhere (like the topics' ARNs). */
function shipperArn(template, stage) {
  if (template.Resources[shipper.logicalId]) return { 'Fn::GetAtt': [shipper.logicalId, 'Arn'] };
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:function:${shipperName(stage)}`]] };
}

/** The stack's function log groups (`/aws/lambda/…`) by logical id, the shipper's and the framework's left out. */
function functionLogGroups(template) {
  return Object.entries(template.Resources)
    .filter(([id, resource]) => resource.Type === 'AWS::Logs::LogGroup' && id !== shipper.logGroup && !frameworkFunction.test(id))
    .filter(([, resource]) => String((resource.Properties || {}).LogGroupName || '').startsWith('/aws/lambda/'))
    .map(([id]) => id);
}

/**
 * Adds the stack's subscription filters, its invoke permission and (in the shipper's stack) the shipper's failure
 * queue to `template`, in place. `options`: { service, stage }.
 */
function addLogShipping(template, options) {
  const { service, stage } = options;
  const resources = template.Resources;
  if (service === shipper.service && !resources[shipper.logicalId]) {
    throw new Error('log-shipping: logsOpenSearchEndpoint is set but the users stack has no logShipper function');
  }
  if (resources[shipper.logicalId]) {
    resources[shipper.queue] = {
      Type: 'AWS::SQS::Queue',
      Properties: { QueueName: `${shipperName(stage)}-failures`, MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true },
    };
  }
  const logGroups = functionLogGroups(template);
  if (logGroups.length === 0) return template;
  const destination = shipperArn(template, stage);
  resources.LogShipperInvokePermission = {
    Type: 'AWS::Lambda::Permission',
    Properties: {
      FunctionName: destination,
      Action: 'lambda:InvokeFunction',
      Principal: 'logs.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      // This stack's function log groups only (every one is /aws/lambda/photonotes-<service>-<stage>-<function>).
      SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:log-group:/aws/lambda/photonotes-${service}-${stage}-*`]] },
    },
  };
  for (const logGroup of logGroups) {
    resources[`${logGroup.replace(/LogGroup$/, '')}LogsToSearchSubscription`] = {
      Type: 'AWS::Logs::SubscriptionFilter',
      // CloudWatch Logs tests the destination when the filter is created: the permission must exist first.
      DependsOn: ['LogShipperInvokePermission'],
      Properties: { FilterName: filterName, LogGroupName: { Ref: logGroup }, FilterPattern: '', DestinationArn: destination },
    };
  }
  return template;
}

module.exports = { addLogShipping, shipper, shipperName, functionLogGroups, filterName };
