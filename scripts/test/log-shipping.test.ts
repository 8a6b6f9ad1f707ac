// Logs to search (README, "Operations"): the log-shipping part of the ops-alarms plugin
// (scripts/serverless/log-shipping.cjs) and check:deploy's assertions on it. On: every function log group but the
// shipper's is subscribed, the shipper has its failure queue and its alarm; off: nothing.
import { alarmProblems, failureHandlingProblems, iamProblems, logShippingProblems } from '../check-deploy';

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
}
interface Template {
  Resources: Record<string, Resource>;
}
interface OpsAlarmsModule {
  addOperations: (template: Template, options: Record<string, unknown>) => Template;
}

const { addOperations } = jest.requireActual<OpsAlarmsModule>('../serverless/ops-alarms.cjs');
const topicArn = { 'Fn::Join': [':', ['arn:aws:sns', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, 'photonotes-dev-ops']] };
const endpoint = 'https://search-photonotes-logs-abcdefghijklmnopqrstuvwxyz.eu-west-1.es.amazonaws.com';

const role = (statements: unknown[] = []): Resource => ({ Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyDocument: { Statement: statements } }] } });
const logGroup = (name: string): Resource => ({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: `/aws/lambda/${name}` } });
const fn = (roleId: string): Resource => ({ Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': [roleId, 'Arn'] } } });

/** The users stack as the framework compiles it with the shipper (log-shipper-function.cjs) deployed. */
function usersStack(withShipper: boolean): Template {
  const resources: Record<string, Resource> = {
    HealthLambdaFunction: fn('HealthRole'),
    HealthRole: role(),
    HealthLogGroup: logGroup('photonotes-users-dev-health'),
    CustomDashresourceDashexistingDashcupLambdaFunction: fn('HealthRole'),
    CustomDashresourceDashexistingDashcupLogGroup: logGroup('photonotes-users-dev-custom-resource-existing-cup'),
  };
  if (withShipper) {
    Object.assign(resources, {
      LogShipperLambdaFunction: fn('LogShipperRole'),
      LogShipperRole: role([
        { Effect: 'Allow', Action: ['es:ESHttpPost'], Resource: 'arn:aws:es:eu-west-1:123456789012:domain/photonotes-logs/_bulk' },
        { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['LogShipperFailuresQueue', 'Arn'] } },
      ]),
      LogShipperLogGroup: logGroup('photonotes-users-dev-logShipper'),
      LogShipperLambdaEvConf: {
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: { FunctionName: { Ref: 'LogShipperLambdaFunction' }, MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['LogShipperFailuresQueue', 'Arn'] } } } },
      },
    });
  }
  return { Resources: resources };
}

function coreApiStack(): Template {
  return { Resources: { UpdateNoteLambdaFunction: fn('UpdateNoteRole'), UpdateNoteRole: role(), UpdateNoteLogGroup: logGroup('photonotes-core-api-dev-updateNote') } };
}

const withOps = (template: Template, service: string, logsToSearch: string) => addOperations(template, { service, stage: 'dev', topicArn, logsToSearch });

const ofType = (template: Template, type: string) => Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

describe('logs to search on (logsOpenSearchEndpoint set)', () => {
  it("subscribes every function log group but the shipper's and the framework's, after the permission exists", () => {
    // Act
    const users = withOps(usersStack(true), 'users', endpoint);
    const coreApi = withOps(coreApiStack(), 'core-api', endpoint);

    // Assess
    expect(ofType(users, 'AWS::Logs::SubscriptionFilter').map(([, filter]) => filter)).toEqual([
      {
        Type: 'AWS::Logs::SubscriptionFilter',
        DependsOn: ['LogShipperInvokePermission'],
        Properties: { FilterName: 'photonotes-logs-to-search', LogGroupName: { Ref: 'HealthLogGroup' }, FilterPattern: '', DestinationArn: { 'Fn::GetAtt': ['LogShipperLambdaFunction', 'Arn'] } },
      },
    ]);
    const [[, coreFilter] = ['', undefined]] = ofType(coreApi, 'AWS::Logs::SubscriptionFilter');
    expect(JSON.stringify(coreFilter?.Properties?.DestinationArn)).toContain(':function:photonotes-users-dev-logShipper"');
    expect(coreApi.Resources.LogShipperInvokePermission?.Properties).toMatchObject({ Principal: 'logs.amazonaws.com', Action: 'lambda:InvokeFunction' });
    expect(JSON.stringify(coreApi.Resources.LogShipperInvokePermission?.Properties?.SourceArn)).toContain(':log-group:/aws/lambda/photonotes-core-api-dev-*');
    expect(logShippingProblems({ users, 'core-api': coreApi }, 'dev')).toEqual([]);
  });

  it('gives the shipper a failure queue with a depth alarm, and check:deploy finds nothing missing', () => {
    // Act
    const users = withOps(usersStack(true), 'users', endpoint);

    // Assess
    expect(users.Resources.LogShipperFailuresQueue?.Properties).toEqual({ QueueName: 'photonotes-users-dev-logShipper-failures', MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    expect(users.Resources.LogShipperFailuresQueueDepthAlarm?.Type).toBe('AWS::CloudWatch::Alarm');
    expect(alarmProblems(users, 'dev')).toEqual([]);
    expect(failureHandlingProblems(users)).toEqual([]);
    expect(iamProblems(users)).toEqual([]);
  });

  it('check:deploy fails a function log group left unsubscribed, the shipper subscribed to itself, or a missing permission', () => {
    // Prepare
    const users = withOps(usersStack(true), 'users', endpoint);
    const coreApi = withOps(coreApiStack(), 'core-api', endpoint);
    delete coreApi.Resources.UpdateNoteLogsToSearchSubscription;
    users.Resources.LogShipperLogsToSearchSubscription = {
      Type: 'AWS::Logs::SubscriptionFilter',
      Properties: { LogGroupName: { Ref: 'LogShipperLogGroup' }, FilterPattern: '', DestinationArn: { 'Fn::GetAtt': ['LogShipperLambdaFunction', 'Arn'] } },
    };
    delete users.Resources.LogShipperInvokePermission;

    // Act
    const problems = logShippingProblems({ users, 'core-api': coreApi }, 'dev');

    // Assess
    expect(problems).toEqual([
      "users: the log shipper's own log group is subscribed to it (a loop)",
      'users: subscription filters without a permission for CloudWatch Logs to invoke the log shipper',
      'core-api: UpdateNoteLogGroup has no subscription filter to the log shipper',
    ]);
  });

  it('check:deploy fails a shipper without an on-failure destination', () => {
    // Prepare
    const users = withOps(usersStack(true), 'users', endpoint);
    delete users.Resources.LogShipperLambdaEvConf;

    // Act / Assess
    expect(failureHandlingProblems(users)).toEqual(['LogShipperLambdaFunction: invoked asynchronously by CloudWatch Logs without an on-failure destination']);
  });

  it('refuses a users stack without the shipper (the function definition and the param disagree)', () => {
    // Act / Assess
    expect(() => withOps(usersStack(false), 'users', endpoint)).toThrow(/no logShipper function/);
  });
});

describe('logs to search off (the default)', () => {
  it('adds no subscription, permission or queue, and check:deploy refuses any subscription filter', () => {
    // Act
    const users = withOps(usersStack(false), 'users', '');
    const coreApi = withOps(coreApiStack(), 'core-api', '');

    // Assess
    for (const template of [users, coreApi]) {
      expect(ofType(template, 'AWS::Logs::SubscriptionFilter')).toEqual([]);
      expect(ofType(template, 'AWS::Lambda::Permission')).toEqual([]);
      expect(template.Resources.LogShipperFailuresQueue).toBeUndefined();
    }
    expect(logShippingProblems({ users, 'core-api': coreApi }, 'dev')).toEqual([]);
    coreApi.Resources.StraySubscription = { Type: 'AWS::Logs::SubscriptionFilter', Properties: { LogGroupName: { Ref: 'UpdateNoteLogGroup' } } };
    expect(logShippingProblems({ users, 'core-api': coreApi }, 'dev')).toEqual(['core-api: StraySubscription: a subscription filter, but the stage ships no logs (logsOpenSearchEndpoint empty)']);
  });
});

describe("the users stack's logShipper definition (services/users/log-shipper-function.cjs)", () => {
  interface Definition {
    handler: string;
    environment: Record<string, string>;
    iamRoleStatements: Array<{ Action: string[]; Resource: unknown }>;
    events?: unknown[];
    destinations: { onFailure: { type: string } };
    maximumRetryAttempts: number;
  }
  const { definition } = jest.requireActual<{ definition: (params: Record<string, string>) => Definition | null }>('../../services/users/log-shipper-function.cjs');
  const domainArn = 'arn:aws:es:eu-west-1:123456789012:domain/photonotes-logs';

  it('is absent with the endpoint empty (the default)', () => {
    // Act / Assess
    expect(definition({ endpoint: '', domainArn: '', stage: 'dev' })).toBeNull();
  });

  it("with an endpoint: an event function, its role may only POST to the domain's _bulk, with a failure destination", () => {
    // Act
    const fn = definition({ endpoint, domainArn, stage: 'prod' });

    // Assess
    expect(fn?.handler).toBe('src/platform/functions/ship-logs.handler');
    expect(fn?.events).toBeUndefined();
    expect(fn?.environment).toEqual({ LOGS_OPENSEARCH_ENDPOINT: endpoint, LOGS_OPENSEARCH_REGION: 'eu-west-1', LOGS_INDEX_PREFIX: 'photonotes-logs-prod' });
    expect(fn?.iamRoleStatements[0]).toEqual({ Effect: 'Allow', Action: ['es:ESHttpPost'], Resource: `${domainArn}/_bulk` });
    expect(fn?.destinations.onFailure.type).toBe('sqs');
    expect(fn?.maximumRetryAttempts).toBe(2);
  });

  it('refuses an endpoint without the domain ARN, or a wildcard one', () => {
    // Act / Assess
    expect(() => definition({ endpoint, domainArn: '', stage: 'dev' })).toThrow(/logsOpenSearchDomainArn/);
    expect(() => definition({ endpoint, domainArn: 'arn:aws:es:eu-west-1:123456789012:domain/*', stage: 'dev' })).toThrow(/logsOpenSearchDomainArn/);
  });
});
