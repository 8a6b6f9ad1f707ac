// A serverless plugin for every service: makes a deployed stage's failures visible (README, "Operations: alarms and
// dashboard"). It reads the compiled template, after the `resources` section is merged in, and adds, to the
// stage's ops SNS topic (`custom.opsAlarms.topicArn`):
// - an Errors and a Throttles alarm for every function;
// - a depth alarm (ApproximateNumberOfMessagesVisible > 0) for every failure queue: the on-failure destinations of
//   asynchronous invocations and stream mappings, the dead-letter queues of SNS subscriptions and SQS queues, the
//   topic rules' error queue, and any other queue named `…FailuresQueue`;
// - an IteratorAge alarm for every stream consumer;
// - on the stack that owns the HTTP API: 5xx rate and p99 latency alarms;
// - on the iot stack (`custom.opsAlarms.iotRuleErrors`): an error action on every topic rule, to a queue of its own;
// - Logs Insights saved queries over the stack's log groups (errors, a request's journey, slowest functions);
// - with `custom.opsAlarms.dashboard`: the stage's CloudWatch dashboard, and with `custom.opsAlarms.email` an
//   e-mail subscription to the ops topic (`custom.opsAlarms.topic` names the topic resource).
// With `custom.opsAlarms.logsToSearch` (the logsOpenSearchEndpoint stage param) set, it first subscribes the stack's
// log groups to the log shipper (log-shipping.cjs).
// It also grants X-Ray's two write actions to each traced function's own role (provider.tracing.lambda): the
// framework grants them only to the shared role, which no function here uses.
// Nothing is added for the local stage, which is never deployed.
const fs = require('node:fs');
const path = require('node:path');
const { addLogShipping } = require('./log-shipping.cjs');

/** Thresholds, documented in the README (Operations: alarms and dashboard). */
const thresholds = {
  /** Five-minute periods; an alarm fires on the first period over its threshold unless said otherwise. */
  period: 300,
  /** Stream consumers: the oldest record's age, milliseconds, two periods in a row (the mappings park records at 6 h). */
  iteratorAgeMs: 10 * 60 * 1000,
  /** HTTP API: per cent of requests answered 5xx, over a period with at least `http5xxMinRequests` requests, two periods in a row. */
  http5xxPercent: 5,
  http5xxMinRequests: 20,
  /** HTTP API: p99 latency in milliseconds, three periods in a row (the functions' timeout is 10 s). */
  httpP99LatencyMs: 3000,
};

const frameworkFunction = /^CustomDashresource/;

function logicalIdOf(reference) {
  if (reference && typeof reference.Ref === 'string') return reference.Ref;
  const getAtt = reference && reference['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/** The SQS queues of the template that hold failures, by logical id, each with what fails into it. */
function failureQueues(template) {
  const resources = template.Resources;
  const found = new Map();
  const add = (reference, source) => {
    const id = logicalIdOf(reference);
    if (id && resources[id] && resources[id].Type === 'AWS::SQS::Queue' && !found.has(id)) found.set(id, source);
  };
  for (const [name, resource] of Object.entries(resources)) {
    const props = resource.Properties || {};
    if (resource.Type === 'AWS::Lambda::EventInvokeConfig' || resource.Type === 'AWS::Lambda::EventSourceMapping') {
      add(props.DestinationConfig && props.DestinationConfig.OnFailure && props.DestinationConfig.OnFailure.Destination, name);
    }
    if (resource.Type === 'AWS::SNS::Subscription' || resource.Type === 'AWS::SQS::Queue') {
      const policy = typeof props.RedrivePolicy === 'string' ? JSON.parse(props.RedrivePolicy) : props.RedrivePolicy;
      add(policy && policy.deadLetterTargetArn, name);
    }
    if (resource.Type === 'AWS::IoT::TopicRule') {
      const errorAction = props.TopicRulePayload && props.TopicRulePayload.ErrorAction;
      add(errorAction && errorAction.Sqs && errorAction.Sqs.QueueUrl, name);
    }
  }
  for (const [name, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::SQS::Queue' && /FailuresQueue$/.test(name) && !found.has(name)) found.set(name, name);
  }
  return found;
}

function alarm({ name, description, topicArn, namespace, metric, dimensions, statistic, threshold, comparison, periods }) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: name,
      AlarmDescription: description,
      Namespace: namespace,
      MetricName: metric,
      Dimensions: dimensions,
      ...(statistic.startsWith('p') ? { ExtendedStatistic: statistic } : { Statistic: statistic }),
      Period: thresholds.period,
      EvaluationPeriods: periods || 1,
      DatapointsToAlarm: periods || 1,
      Threshold: threshold,
      ComparisonOperator: comparison || 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicArn],
      OKActions: [topicArn],
    },
  };
}

function functionAlarms(template, prefix, topicArn) {
  const added = {};
  const streamConsumers = new Set(
    Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping' && resource.Properties && resource.Properties.StartingPosition !== undefined)
      .map((resource) => logicalIdOf(resource.Properties.FunctionName))
      .filter(Boolean),
  );
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function' || frameworkFunction.test(id)) continue;
    const base = id.replace(/LambdaFunction$/, '');
    const dimensions = [{ Name: 'FunctionName', Value: { Ref: id } }];
    const common = { topicArn, namespace: 'AWS/Lambda', dimensions };
    added[`${base}ErrorsAlarm`] = alarm({ ...common, name: `${prefix}-${base}-errors`, description: `${base}: invocations that failed (an uncaught error or a timeout)`, metric: 'Errors', statistic: 'Sum', threshold: 1 });
    added[`${base}ThrottlesAlarm`] = alarm({ ...common, name: `${prefix}-${base}-throttles`, description: `${base}: invocations throttled (concurrency limit)`, metric: 'Throttles', statistic: 'Sum', threshold: 1 });
    if (streamConsumers.has(id)) {
      added[`${base}IteratorAgeAlarm`] = alarm({
        ...common,
        name: `${prefix}-${base}-iterator-age`,
        description: `${base}: its stream consumer falls behind (oldest record over ${thresholds.iteratorAgeMs / 60000} min)`,
        metric: 'IteratorAge',
        statistic: 'Maximum',
        threshold: thresholds.iteratorAgeMs,
        comparison: 'GreaterThanThreshold',
        periods: 2,
      });
    }
  }
  return added;
}

function queueAlarms(template, prefix, topicArn) {
  const added = {};
  for (const [id, source] of failureQueues(template)) {
    added[`${id}DepthAlarm`] = alarm({
      topicArn,
      name: `${prefix}-${id.replace(/Queue$/, '')}-depth`,
      description: `${id}: failures kept for redrive (from ${source}); npm run redrive replays them`,
      namespace: 'AWS/SQS',
      metric: 'ApproximateNumberOfMessagesVisible',
      dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
      statistic: 'Maximum',
      threshold: 0,
      comparison: 'GreaterThanThreshold',
    });
  }
  return added;
}

/** The HTTP API of the stack (the framework's `HttpApi`, $default stage), if it owns one. */
const ownsHttpApi = (template) => Boolean(template.Resources.HttpApi && template.Resources.HttpApi.Type === 'AWS::ApiGatewayV2::Api');

function httpApiAlarms(stage, topicArn) {
  const dimensions = [
    { Name: 'ApiId', Value: { Ref: 'HttpApi' } },
    { Name: 'Stage', Value: '$default' },
  ];
  const stat = (id, metric) => ({ Id: id, ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: metric, Dimensions: dimensions }, Period: thresholds.period, Stat: 'Sum' } });
  const errors5xx = {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `photonotes-${stage}-http-5xx-rate`,
      AlarmDescription: `HTTP API: over ${thresholds.http5xxPercent}% of requests answered 5xx (periods with at least ${thresholds.http5xxMinRequests} requests)`,
      Metrics: [
        stat('errors', '5xx'),
        stat('requests', 'Count'),
        { Id: 'rate', Label: '5xx %', ReturnData: true, Expression: `IF(requests >= ${thresholds.http5xxMinRequests}, 100 * errors / requests, 0)` },
      ],
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: thresholds.http5xxPercent,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicArn],
      OKActions: [topicArn],
    },
  };
  return {
    HttpApi5xxRateAlarm: errors5xx,
    HttpApiLatencyAlarm: alarm({
      topicArn,
      name: `photonotes-${stage}-http-p99-latency`,
      description: `HTTP API: p99 latency over ${thresholds.httpP99LatencyMs} ms`,
      namespace: 'AWS/ApiGateway',
      metric: 'Latency',
      dimensions,
      statistic: 'p99',
      threshold: thresholds.httpP99LatencyMs,
      comparison: 'GreaterThanThreshold',
      periods: 3,
    }),
  };
}

/** Every topic rule sends what its actions could not deliver to the iot service's rule-errors queue. */
function addRuleErrorActions(template, config) {
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::IoT::TopicRule') continue;
    resource.Properties.TopicRulePayload.ErrorAction = {
      Sqs: { QueueUrl: { Ref: config.queue }, RoleArn: { 'Fn::GetAtt': [config.role, 'Arn'] }, UseBase64: false },
    };
  }
}

/** Saved Logs Insights queries over the stack's own log groups. */
function queryDefinitions(template, stage, service) {
  const logGroups = Object.entries(template.Resources)
    .filter(([id, resource]) => resource.Type === 'AWS::Logs::LogGroup' && !frameworkFunction.test(id))
    .map(([id]) => ({ Ref: id }));
  if (logGroups.length === 0) return {};
  const query = (name, text) => ({ Type: 'AWS::Logs::QueryDefinition', Properties: { Name: `photonotes-${stage}/${service}/${name}`, LogGroupNames: logGroups, QueryString: text } });
  return {
    ErrorsQueryDefinition: query(
      'errors',
      'fields @timestamp, service, @log, message, requestId, correlationId\n| filter level = "error" or @message like /Task timed out|Runtime\\.|Status: error/\n| stats count(*) as errors by service, @log\n| sort errors desc',
    ),
    // Shared logger fields (shared/src/log.ts): the HTTP chain logs `requestId`, event consumers `correlationId`
    // (the id of the request that caused the event). Replace REQUEST_ID with the x-request-id of the response.
    RequestJourneyQueryDefinition: query(
      'request-journey',
      'fields @timestamp, service, level, message, @log\n| filter requestId = "REQUEST_ID" or correlationId = "REQUEST_ID"\n| sort @timestamp asc',
    ),
    // Lambda's REPORT line of each invocation: one HTTP function serves one route (or a few), so by function is by route.
    SlowestFunctionsQueryDefinition: query(
      'slowest-functions',
      'filter @type = "REPORT"\n| stats count(*) as invocations, pct(@duration, 99) as p99Ms, max(@duration) as slowestMs by @log\n| sort p99Ms desc\n| limit 25',
    ),
  };
}

/** The services of the stage, from serverless-compose.yml (the order they deploy in). */
function composeServices() {
  const yaml = require('js-yaml');
  const compose = yaml.load(fs.readFileSync(path.join(__dirname, '..', '..', 'serverless-compose.yml'), 'utf8'));
  return Object.keys(compose.services);
}

// Placeholders in the dashboard's JSON for the values CloudFormation resolves (an Fn::Join of Refs, not an Fn::Sub:
// Refs are what every tool follows, e.g. the moto rehearsal's stubs).
const regionToken = '@@REGION@@';
const apiToken = '@@HTTP_API@@';

/** The JSON text with its placeholders replaced by Refs: an Fn::Join. */
function joinWithRefs(text) {
  const parts = text.split(/(@@REGION@@|@@HTTP_API@@)/).filter((part) => part !== '');
  return { 'Fn::Join': ['', parts.map((part) => (part === regionToken ? { Ref: 'AWS::Region' } : part === apiToken ? { Ref: 'HttpApi' } : part))] };
}

// The product metrics (shared/src/metrics.ts writes them; metrics-catalogue.json is its catalogue for this file).
const productMetrics = require('../../shared/src/metrics-catalogue.json');
/** A search over the product namespace with both dimensions, so every service's series of a metric appears. */
const productNamespace = `${productMetrics.namespace},${productMetrics.dimensions.join(',')}`;
/** The product metrics row of the dashboard: every metric of the catalogue, in one graph or another. */
const productGraphs = [
  { title: 'Notes written and shared', metrics: ['NotesCreated', 'NotesUpdated', 'NotesDeleted', 'NoteShares'] },
  { title: 'Uploads processed and failed', metrics: ['UploadsProcessed', 'UploadsFailed'] },
  { title: 'Upload processing time (ms, p99)', metrics: ['UploadProcessingTime'] },
  { title: 'Pushes sent and failed', metrics: ['PushesSent', 'PushesFailed'] },
  { title: 'Search latency (ms, p99)', metrics: ['SearchLatency'] },
  { title: 'Telemetry messages stored and dropped', metrics: ['TelemetryStored', 'TelemetryDropped'] },
  { title: 'Analytics events accepted and rejected', metrics: ['AnalyticsEventsAccepted', 'AnalyticsEventsRejected'] },
  { title: 'Consumer records failed', metrics: ['ConsumerRecordsFailed'] },
];
/** Counts are summed per period; durations shown at their p99. */
function statOf(name) {
  return productMetrics.metrics[name] === 'Count' ? 'Sum' : 'p99';
}
/** The graphs of the row; a name outside the catalogue is a mistake here, not a graph that stays empty. */
function productMetricWidgets() {
  for (const graph of productGraphs) {
    for (const name of graph.metrics) if (!productMetrics.metrics[name]) throw new Error(`ops-alarms: ${name} is not in shared/src/metrics-catalogue.json`);
  }
  return productGraphs;
}

/** The stage's dashboard: searches over the stage's metrics, so every service's functions and queues appear. */
function dashboard(stage, services) {
  const widgets = [];
  let y = 0;
  const text = (markdown, height) => {
    widgets.push({ type: 'text', x: 0, y, width: 24, height, properties: { markdown } });
    y += height;
  };
  const graph = (x, width, title, metrics, extra) => ({ type: 'metric', x, y, width, height: 6, properties: { title, region: regionToken, view: 'timeSeries', stacked: false, period: thresholds.period, metrics, ...extra } });
  // A search expression is one metric entry: an array holding its options.
  const search = (namespace, metric, stat, terms, id) => [[{ expression: `SEARCH('{${namespace}} MetricName="${metric}" ${terms}', '${stat}', ${thresholds.period})`, id }]];
  text(`# photonotes ${stage}\nAlarms go to the SNS topic photonotes-${stage}-ops (README: Operations: alarms and dashboard).`, 2);
  // Lambda errors and throttles, one graph per service (function names are photonotes-<service>-<stage>-<function>).
  services.forEach((service, index) => {
    const terms = `FunctionName=photonotes-${service}-${stage}`;
    widgets.push(graph((index % 3) * 8, 8, `${service}: errors and throttles`, [...search('AWS/Lambda,FunctionName', 'Errors', 'Sum', terms, `e${index}`), ...search('AWS/Lambda,FunctionName', 'Throttles', 'Sum', terms, `t${index}`)]));
    if (index % 3 === 2 || index === services.length - 1) y += 6;
  });
  widgets.push(graph(0, 12, 'Failure queues: messages kept for redrive', search('AWS/SQS,QueueName', 'ApproximateNumberOfMessagesVisible', 'Maximum', `photonotes ${stage} failures`, 'q')));
  widgets.push(graph(12, 12, 'Stream consumers: iterator age (ms)', search('AWS/Lambda,FunctionName', 'IteratorAge', 'Maximum', `photonotes ${stage}`, 'a')));
  y += 6;
  const api = ['ApiId', apiToken, 'Stage', '$default'];
  widgets.push(graph(0, 12, 'HTTP API: requests, 4xx and 5xx', [['AWS/ApiGateway', 'Count', ...api, { stat: 'Sum' }], ['AWS/ApiGateway', '4xx', ...api, { stat: 'Sum' }], ['AWS/ApiGateway', '5xx', ...api, { stat: 'Sum' }]]));
  widgets.push(graph(12, 12, 'HTTP API: latency (ms)', [['AWS/ApiGateway', 'Latency', ...api, { stat: 'p99' }], ['AWS/ApiGateway', 'Latency', ...api, { stat: 'p50' }]]));
  y += 6;
  text(`## Product metrics\nWhat the product does, from the functions' EMF lines (namespace ${productMetrics.namespace}, dimensions service and stage; README: Operations: metrics).`, 2);
  productMetricWidgets().forEach((widget, index) => {
    widgets.push(graph((index % 4) * 6, 6, widget.title, widget.metrics.flatMap((name, m) => search(productNamespace, name, statOf(name), `stage="${stage}"`, `p${index}m${m}`))));
    if (index % 4 === 3) y += 6;
  });
  return {
    OpsDashboard: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: { DashboardName: `photonotes-${stage}`, DashboardBody: joinWithRefs(JSON.stringify({ widgets })) },
    },
  };
}

/** Traced functions may write their segments: X-Ray takes no resource narrower than "*" (check:deploy exempts them). */
function grantTracing(template) {
  const statement = { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' };
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function' || frameworkFunction.test(id) || !resource.Properties.TracingConfig) continue;
    const role = template.Resources[logicalIdOf(resource.Properties.Role) || ''];
    const statements = role && role.Properties.Policies && role.Properties.Policies[0] && role.Properties.Policies[0].PolicyDocument.Statement;
    if (!Array.isArray(statements)) continue;
    if (!statements.some((s) => JSON.stringify(s.Action).includes('xray:PutTraceSegments'))) statements.push(statement);
  }
}

/**
 * Adds the stack's alarms, queries and (where configured) dashboard to `template`, in place; returns the template.
 * `options`: { service, stage, topicArn, dashboard?, services?, email?, topic?, iotRuleErrors?: { queue, role },
 * logsToSearch? }.
 */
function addOperations(template, options) {
  const { service, stage, topicArn } = options;
  if (!topicArn) throw new Error('ops-alarms: custom.opsAlarms.topicArn is required');
  const prefix = `photonotes-${stage}-${service}`;
  if (options.logsToSearch) addLogShipping(template, { service, stage });
  grantTracing(template);
  if (options.iotRuleErrors) addRuleErrorActions(template, options.iotRuleErrors);
  Object.assign(
    template.Resources,
    functionAlarms(template, prefix, topicArn),
    queueAlarms(template, prefix, topicArn),
    ownsHttpApi(template) ? httpApiAlarms(stage, topicArn) : {},
    queryDefinitions(template, stage, service),
    options.dashboard ? dashboard(stage, options.services || composeServices()) : {},
  );
  if (options.email) {
    if (!options.topic) throw new Error('ops-alarms: custom.opsAlarms.topic (the topic resource) is required with an e-mail');
    template.Resources.OpsEmailSubscription = { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: options.topic }, Protocol: 'email', Endpoint: options.email } };
  }
  return template;
}

class OpsAlarms {
  constructor(serverless) {
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => {
        const stage = serverless.getProvider('aws').getStage();
        if (stage === 'local') return;
        const config = (serverless.service.custom && serverless.service.custom.opsAlarms) || {};
        const service = serverless.service.service.replace(/^photonotes-/, '');
        addOperations(serverless.service.provider.compiledCloudFormationTemplate, { ...config, service, stage });
      },
    };
  }
}

module.exports = OpsAlarms;
module.exports.addOperations = addOperations;
module.exports.failureQueues = failureQueues;
module.exports.thresholds = thresholds;
module.exports.productGraphs = productGraphs;
