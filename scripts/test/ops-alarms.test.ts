// The ops-alarms plugin (scripts/serverless/ops-alarms.cjs) and check:deploy's alarm assertions (README, "Operations:
// alarms and dashboard"): the plugin's output passes them, and taking any alarm away fails them.
import { metricCatalogue } from '../../shared/src/metrics';
import { alarmProblems, failureQueueIds, iamProblems, productMetricsGraphed, stageOperationsProblems } from '../check-deploy';

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}
interface Template {
  Resources: Record<string, Resource>;
}
interface OpsAlarmsModule {
  addOperations: (template: Template, options: Record<string, unknown>) => Template;
}

const { addOperations } = jest.requireActual<OpsAlarmsModule>('../serverless/ops-alarms.cjs');
const topicArn = { 'Fn::Join': [':', ['arn:aws:sns', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, 'photonotes-dev-ops']] };

const role = (): Resource => ({ Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyDocument: { Statement: [] } }] } });
const fn = (roleId: string): Resource => ({ Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': [roleId, 'Arn'] }, TracingConfig: { Mode: 'Active' } } });
const queue = (extra: Record<string, unknown> = {}): Resource => ({ Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true, ...extra } });

/** A stack with one of each kind of consumer the project has. */
function consumerStack(): Template {
  return {
    Resources: {
      IndexLambdaFunction: fn('IndexRole'),
      IndexRole: role(),
      IndexLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: {} },
      IndexEventSourceMapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { StartingPosition: 'LATEST', FunctionName: { 'Fn::GetAtt': ['IndexLambdaFunction', 'Arn'] }, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['StreamFailures', 'Arn'] } } } },
      },
      StreamFailures: queue(),
      EventsLambdaFunction: fn('EventsRole'),
      EventsRole: role(),
      EventsInvokeConfig: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'EventsLambdaFunction' }, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['AsyncFailures', 'Arn'] } } } } },
      AsyncFailures: queue(),
      EventsSubscription: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'lambda', RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['SnsDeadLetters', 'Arn'] } } } },
      SnsDeadLetters: queue(),
      WorkQueue: queue({ RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['WorkDeadLetters', 'Arn'] }, maxReceiveCount: 5 } }),
      WorkDeadLetters: queue(),
      SweepFailuresQueue: queue(),
      Rule: { Type: 'AWS::IoT::TopicRule', Properties: { TopicRulePayload: { Sql: "SELECT * FROM 'x'", Actions: [] } } },
      RuleErrors: queue(),
      RuleErrorsRole: role(),
    },
  };
}

const build = (): Template => addOperations(consumerStack(), { service: 'iot', stage: 'dev', topicArn, iotRuleErrors: { queue: 'RuleErrors', role: 'RuleErrorsRole' } });

describe('the ops-alarms plugin', () => {
  it('gives every function, failure queue and stream consumer its alarms, and check:deploy finds nothing missing', () => {
    // Prepare / Act
    const template = build();
    // Assess
    expect(alarmProblems(template, 'dev')).toEqual([]);
    const alarms = Object.keys(template.Resources).filter((id) => template.Resources[id]!.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.sort()).toEqual(
      [
        'IndexErrorsAlarm', 'IndexThrottlesAlarm', 'IndexIteratorAgeAlarm', 'EventsErrorsAlarm', 'EventsThrottlesAlarm',
        'StreamFailuresDepthAlarm', 'AsyncFailuresDepthAlarm', 'SnsDeadLettersDepthAlarm', 'WorkDeadLettersDepthAlarm', 'SweepFailuresQueueDepthAlarm', 'RuleErrorsDepthAlarm',
      ].sort(),
    );
    // The queue functions read is no failure queue: messages wait there normally.
    expect(failureQueueIds(template).has('WorkQueue')).toBe(false);
  });

  it('treats missing data as not breaching and notifies the ops topic on alarm and on recovery', () => {
    const template = build();
    for (const resource of Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm')) {
      expect(resource.Properties).toMatchObject({ TreatMissingData: 'notBreaching', AlarmActions: [topicArn], OKActions: [topicArn] });
    }
    expect(template.Resources.StreamFailuresDepthAlarm!.Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('gives every topic rule an error action to the rule-errors queue', () => {
    const payload = build().Resources.Rule!.Properties!.TopicRulePayload as { ErrorAction?: unknown };
    expect(payload.ErrorAction).toEqual({ Sqs: { QueueUrl: { Ref: 'RuleErrors' }, RoleArn: { 'Fn::GetAtt': ['RuleErrorsRole', 'Arn'] }, UseBase64: false } });
  });

  it("grants X-Ray's writes to each traced function's own role, which check:deploy accepts as its documented exemption", () => {
    const template = build();
    const statements = (template.Resources.IndexRole!.Properties!.Policies as Array<{ PolicyDocument: { Statement: unknown[] } }>)[0]!.PolicyDocument.Statement;
    expect(statements).toEqual([{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }]);
    expect(iamProblems(template)).toEqual([]);
  });

  it('saves the Logs Insights queries over the stack’s log groups', () => {
    const template = build();
    const queries = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Logs::QueryDefinition');
    expect(queries.map((q) => q.Properties!.Name)).toEqual(['photonotes-dev/iot/errors', 'photonotes-dev/iot/request-journey', 'photonotes-dev/iot/slowest-functions']);
    for (const query of queries) expect(query.Properties!.LogGroupNames).toEqual([{ Ref: 'IndexLogGroup' }]);
    // The journey filters on the fields shared/src/log.ts writes: the HTTP chain's requestId, consumers' correlationId.
    expect(String(queries[1]!.Properties!.QueryString)).toMatch(/requestId = "REQUEST_ID" or correlationId = "REQUEST_ID"/);
  });
});

describe('alarmProblems', () => {
  const without = (id: string): Template => {
    const template = build();
    delete template.Resources[id];
    return template;
  };

  it.each([
    ['IndexErrorsAlarm', 'IndexLambdaFunction: no Errors alarm to the ops topic'],
    ['EventsThrottlesAlarm', 'EventsLambdaFunction: no Throttles alarm to the ops topic'],
    ['IndexIteratorAgeAlarm', 'IndexEventSourceMapping: no IteratorAge alarm on IndexLambdaFunction to the ops topic'],
    ['AsyncFailuresDepthAlarm', 'AsyncFailures: failure queue without a depth alarm (ApproximateNumberOfMessagesVisible > 0) to the ops topic'],
    ['SnsDeadLettersDepthAlarm', 'SnsDeadLetters: failure queue without a depth alarm (ApproximateNumberOfMessagesVisible > 0) to the ops topic'],
    ['WorkDeadLettersDepthAlarm', 'WorkDeadLetters: failure queue without a depth alarm (ApproximateNumberOfMessagesVisible > 0) to the ops topic'],
    ['RuleErrorsDepthAlarm', 'RuleErrors: failure queue without a depth alarm (ApproximateNumberOfMessagesVisible > 0) to the ops topic'],
    ['SweepFailuresQueueDepthAlarm', 'SweepFailuresQueue: failure queue without a depth alarm (ApproximateNumberOfMessagesVisible > 0) to the ops topic'],
  ])('reports the missing %s', (id, problem) => {
    expect(alarmProblems(without(id), 'dev')).toEqual([problem]);
  });

  it('does not count an alarm to another topic, or one that treats missing data as breaching', () => {
    const elsewhere = build();
    elsewhere.Resources.IndexErrorsAlarm!.Properties!.AlarmActions = ['arn:aws:sns:us-east-1:123456789012:someone-else'];
    expect(alarmProblems(elsewhere, 'dev')).toEqual(['IndexLambdaFunction: no Errors alarm to the ops topic']);
    const breaching = build();
    breaching.Resources.AsyncFailuresDepthAlarm!.Properties!.TreatMissingData = 'breaching';
    expect(alarmProblems(breaching, 'dev')).toEqual([expect.stringContaining('AsyncFailures: failure queue without a depth alarm')]);
  });

  it('reports a topic rule without an error action', () => {
    const template = addOperations(consumerStack(), { service: 'iot', stage: 'dev', topicArn });
    expect(alarmProblems(template, 'dev')).toEqual(['Rule: topic rule without an error action to an SQS queue of the stack']);
  });
});

describe('stageOperationsProblems', () => {
  /** The users stack: the ops topic, the HTTP API and (with the plugin's dashboard option) the dashboard. */
  const usersStack = (): Template =>
    addOperations(
      {
        Resources: {
          HttpApi: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP' } },
          OpsTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'photonotes-dev-ops' } },
        },
      },
      { service: 'users', stage: 'dev', topicArn, topic: 'OpsTopic', dashboard: true, services: ['users', 'core-api'], email: '' },
    );

  it('finds the ops topic, the HTTP alarms and one dashboard', () => {
    const users = usersStack();
    expect(stageOperationsProblems({ users, iot: build() }, 'dev')).toEqual([]);
    expect(users.Resources.OpsEmailSubscription).toBeUndefined();
  });

  it.each([
    ['HttpApi5xxRateAlarm', 'no HTTP 5xx alarm on the HTTP API to the ops topic'],
    ['HttpApiLatencyAlarm', 'no HTTP latency alarm on the HTTP API to the ops topic'],
    ['OpsDashboard', '0 CloudWatch dashboards, not one'],
    ['OpsTopic', 'no ops topic photonotes-dev-ops (OpsTopic)'],
  ])('reports the missing %s', (id, problem) => {
    const users = usersStack();
    delete users.Resources[id];
    expect(stageOperationsProblems({ users, iot: build() }, 'dev')).toEqual([problem]);
  });

  it('graphs every metric of the product catalogue in the dashboard, and nothing outside it', () => {
    const graphed = productMetricsGraphed(usersStack().Resources.OpsDashboard!.Properties!.DashboardBody);
    expect([...graphed].sort()).toEqual(Object.keys(metricCatalogue).sort());
  });

  it('reports a dashboard without the product metrics', () => {
    const users = usersStack();
    const body = users.Resources.OpsDashboard!.Properties!.DashboardBody as { 'Fn::Join': [string, unknown[]] };
    body['Fn::Join'][1] = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part.replaceAll('MetricName=\\"SearchLatency\\"', 'MetricName=\\"Other\\"') : part));
    expect(stageOperationsProblems({ users, iot: build() }, 'dev')).toEqual(['the dashboard graphs no PhotoNotes metric SearchLatency']);
  });

  it('subscribes the opsEmail address when a stage gives one', () => {
    const users = addOperations({ Resources: { OpsTopic: { Type: 'AWS::SNS::Topic', Properties: {} } } }, { service: 'users', stage: 'prod', topicArn, topic: 'OpsTopic', email: 'ops@example.com' });
    expect(users.Resources.OpsEmailSubscription).toEqual({ Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'OpsTopic' }, Protocol: 'email', Endpoint: 'ops@example.com' } });
  });

  it('builds a dashboard body that is JSON once CloudFormation joins it, with search graphs per service', () => {
    const [, parts] = (usersStack().Resources.OpsDashboard!.Properties!.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    const resolved: Record<string, string> = { 'AWS::Region': 'us-east-1', HttpApi: 'abc123' };
    const substituted = parts.map((part) => (typeof part === 'string' ? part : resolved[(part as { Ref: string }).Ref]!)).join('');
    expect(substituted).not.toMatch(/@@|\$\{/);
    const { widgets } = JSON.parse(substituted) as { widgets: Array<{ properties: { title?: string; metrics?: unknown[][] } }> };
    const titles = widgets.map((w) => w.properties.title).filter(Boolean);
    expect(titles).toEqual(expect.arrayContaining(['users: errors and throttles', 'core-api: errors and throttles', 'HTTP API: latency (ms)']));
    // Every metric entry is an array (a search expression is an array holding its options).
    for (const widget of widgets) for (const metric of widget.properties.metrics ?? []) expect(Array.isArray(metric)).toBe(true);
  });
});
