import { dataProtectionProblems, failureHandlingProblems, httpZipBudgetBytes, iamProblems, localOnlyRoutes, sharedRoles, websocketApiProblems, zipBudgetProblems } from '../check-deploy';

function roleWith(statement: { Action: string | string[]; Resource: unknown }) {
  return { Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', ...statement }] } }] } } } };
}

describe('iamProblems', () => {
  it('accepts exact actions on exact resources', () => {
    expect(iamProblems(roleWith({ Action: ['dynamodb:GetItem'], Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } }))).toEqual([]);
  });

  it('flags wildcard actions', () => {
    expect(iamProblems(roleWith({ Action: ['dynamodb:*'], Resource: 'arn:aws:dynamodb:::table/x' }))).toEqual(['Role: wildcard action dynamodb:*']);
  });

  it('flags a "*" resource for an action that has a narrower one', () => {
    expect(iamProblems(roleWith({ Action: 'sns:Publish', Resource: '*' }))).toEqual(['Role: resource "*" for sns:Publish']);
  });

  it("accepts ManageConnections on the @connections of the stack's own WebSocket API only", () => {
    const withApi = (resource: unknown) => {
      const template = roleWith({ Action: ['execute-api:ManageConnections'], Resource: resource });
      return { Resources: { ...template.Resources, WebsocketsApi: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'WEBSOCKET' } } } };
    };
    const arn = (tail: string) => ({ 'Fn::Join': ['', ['arn:aws:execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', { Ref: 'WebsocketsApi' }, tail]] });
    expect(iamProblems(withApi(arn('/dev/*/@connections/*')))).toEqual([]);
    expect(iamProblems(withApi(arn('/*')))).toEqual([expect.stringContaining('Role: execute-api:ManageConnections beyond')]);
    expect(iamProblems(withApi('arn:aws:execute-api:us-east-1:123456789012:other/dev/*/@connections/*'))).toEqual([expect.stringContaining('Role: execute-api:ManageConnections beyond')]);
  });
});

describe('localOnlyRoutes', () => {
  it('finds routes under /dev/', () => {
    const template = {
      Resources: {
        A: { Type: 'AWS::ApiGatewayV2::Route', Properties: { RouteKey: 'GET /dev/push-outbox' } },
        B: { Type: 'AWS::ApiGatewayV2::Route', Properties: { RouteKey: 'GET /devices' } },
      },
    };
    expect(localOnlyRoutes(template)).toEqual(['GET /dev/push-outbox']);
  });
});

describe('sharedRoles', () => {
  const fn = (role: unknown) => ({ Type: 'AWS::Lambda::Function', Properties: { Role: role } });

  it('accepts a role per function and ignores the framework helpers', () => {
    const template = {
      Resources: {
        ALambdaFunction: fn({ 'Fn::GetAtt': ['AIamRoleLambdaExecution', 'Arn'] }),
        BLambdaFunction: fn({ 'Fn::GetAtt': ['BIamRoleLambdaExecution', 'Arn'] }),
        CustomDashresourceDashexistingDashs3LambdaFunction: fn({ 'Fn::GetAtt': ['IamRoleCustomResourcesLambdaExecution', 'Arn'] }),
      },
    };
    expect(sharedRoles(template)).toEqual([]);
  });

  it('flags functions that share a role or use the provider role', () => {
    const shared = { 'Fn::GetAtt': ['SharedRole', 'Arn'] };
    const template = {
      Resources: {
        ALambdaFunction: fn(shared),
        BLambdaFunction: fn(shared),
        CLambdaFunction: fn({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] }),
      },
    };
    expect(sharedRoles(template)).toEqual([
      'ALambdaFunction, BLambdaFunction share the role {"Fn::GetAtt":["SharedRole","Arn"]}',
      'CLambdaFunction has no role of its own ({"Fn::GetAtt":["IamRoleLambdaExecution","Arn"]})',
    ]);
  });
});

describe('dataProtectionProblems', () => {
  const privateBucket = {
    Type: 'AWS::S3::Bucket',
    Properties: {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    },
  };
  const table = (props: Record<string, unknown>) => ({ Type: 'AWS::DynamoDB::Table', Properties: props });

  it('accepts encrypted private buckets and protected prod tables', () => {
    const template = {
      Resources: { Bucket: privateBucket, Table: table({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true }) },
    };
    expect(dataProtectionProblems(template, 'prod')).toEqual([]);
  });

  it('flags unencrypted or public buckets in every stage', () => {
    const template = { Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { PublicAccessBlockConfiguration: { BlockPublicAcls: true } } } } };
    expect(dataProtectionProblems(template, 'dev')).toEqual([
      'Bucket: bucket without BucketEncryption',
      'Bucket: bucket public access not blocked (BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets)',
    ]);
  });

  it('requires point-in-time recovery and deletion protection in prod only', () => {
    const template = { Resources: { Table: table({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false }, DeletionProtectionEnabled: false }) } };
    expect(dataProtectionProblems(template, 'dev')).toEqual([]);
    expect(dataProtectionProblems(template, 'prod')).toEqual(['Table: table without point-in-time recovery', 'Table: table without deletion protection']);
  });

  it('lets only the listed tables go without point-in-time recovery, never without deletion protection', () => {
    const template = { Resources: { ActorKeysTable: table({ DeletionProtectionEnabled: false }) } };
    expect(dataProtectionProblems(template, 'prod')).toEqual(['ActorKeysTable: table without deletion protection']);
  });
});

describe('failureHandlingProblems', () => {
  const fn = { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['ConsumerRole', 'Arn'] } } };
  /** The function's own role, allowed to send to its failure queue (Lambda sends failures with it). */
  const role = (queueId = 'Queue') => ({
    Type: 'AWS::IAM::Role',
    Properties: { Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }] } }] },
  });
  const queue = { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 } };
  const mapping = (overrides: Record<string, unknown> = {}) => ({
    Type: 'AWS::Lambda::EventSourceMapping',
    Properties: {
      StartingPosition: 'TRIM_HORIZON',
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Queue', 'Arn'] } } },
      ...overrides,
    },
  });
  const permission = (principal: string) => ({ Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { 'Fn::GetAtt': ['ConsumerLambdaFunction', 'Arn'] }, Principal: principal } });
  const invokeConfig = (properties: Record<string, unknown>) => ({ Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'ConsumerLambdaFunction' }, ...properties } });
  const onFailure = { DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Queue', 'Arn'] } } } };

  it('accepts consumers that keep their failures', () => {
    const template = {
      Resources: {
        ConsumerLambdaFunction: fn,
        ConsumerRole: role(),
        Queue: queue,
        Mapping: mapping(),
        Subscription: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'lambda', RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Queue', 'Arn'] } } } },
        Permission: permission('sns.amazonaws.com'),
        Config: invokeConfig({ ...onFailure, MaximumRetryAttempts: 2 }),
      },
    };
    expect(failureHandlingProblems(template)).toEqual([]);
  });

  it('flags a stream mapping that retries forever, does not bisect, has no destination or no partial responses', () => {
    const template = { Resources: { Mapping: mapping({ MaximumRetryAttempts: -1, MaximumRecordAgeInSeconds: -1, BisectBatchOnFunctionError: false, FunctionResponseTypes: [], DestinationConfig: {} }) } };
    expect(failureHandlingProblems(template)).toEqual([
      'Mapping: stream mapping without an on-failure destination',
      'Mapping: stream mapping without a bounded MaximumRetryAttempts',
      'Mapping: stream mapping without a MaximumRecordAgeInSeconds',
      'Mapping: stream mapping without BisectBatchOnFunctionError',
      'Mapping: stream mapping without ReportBatchItemFailures',
    ]);
  });

  it('requires whole-batch consumers to be neither bisected nor partial, and holds them to the rest', () => {
    const name = 'ProcessEventsEventSourceMappingDynamodbBufferTable';
    const whole = { Resources: { ConsumerLambdaFunction: fn, ConsumerRole: role(), Queue: queue, [name]: mapping({ BisectBatchOnFunctionError: false, FunctionResponseTypes: [] }) } };
    const split = { Resources: { ConsumerLambdaFunction: fn, ConsumerRole: role(), Queue: queue, [name]: mapping({ MaximumRetryAttempts: -1 }) } };
    expect(failureHandlingProblems(whole)).toEqual([]);
    expect(failureHandlingProblems(split)).toEqual([
      `${name}: stream mapping without a bounded MaximumRetryAttempts`,
      `${name}: a whole-batch consumer must not split batches or report partial failures`,
    ]);
  });

  it('flags an SNS subscription without a dead-letter queue and an S3-invoked function without a destination', () => {
    const template = {
      Resources: {
        ConsumerLambdaFunction: fn,
        Subscription: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'lambda' } },
        Permission: permission('s3.amazonaws.com'),
        Config: invokeConfig({ MaximumRetryAttempts: 2 }),
      },
    };
    expect(failureHandlingProblems(template)).toEqual([
      'Subscription: SNS subscription without a dead-letter queue (RedrivePolicy)',
      'ConsumerLambdaFunction: invoked asynchronously by s3.amazonaws.com without an on-failure destination',
    ]);
  });

  it('flags a scheduled function (EventBridge invokes it asynchronously) without a destination', () => {
    const template = { Resources: { ConsumerLambdaFunction: fn, Permission: permission('events.amazonaws.com'), Config: invokeConfig({ MaximumRetryAttempts: 2 }) } };
    expect(failureHandlingProblems(template)).toEqual(['ConsumerLambdaFunction: invoked asynchronously by events.amazonaws.com without an on-failure destination']);
  });

  it('flags an asynchronous consumer that left the retry count to the default, and queues that are unencrypted or short-lived', () => {
    const template = {
      Resources: {
        ConsumerLambdaFunction: fn,
        ConsumerRole: role(),
        Permission: permission('sns.amazonaws.com'),
        Config: invokeConfig(onFailure),
        Queue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 345600 } },
      },
    };
    expect(failureHandlingProblems(template)).toEqual([
      'ConsumerLambdaFunction: asynchronous invocation without a chosen MaximumRetryAttempts',
      'Queue: queue without encryption',
      'Queue: queue does not keep messages 14 days (MessageRetentionPeriod 1209600)',
    ]);
  });
  it('flags an on-failure destination that is not a queue of the stack, or a queue the function may not send to', () => {
    const template = {
      Resources: {
        ConsumerLambdaFunction: fn,
        ConsumerRole: role('OtherQueue'),
        Queue: queue,
        OtherQueue: queue,
        Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
        Mapping: mapping({ FunctionName: { 'Fn::GetAtt': ['ConsumerLambdaFunction', 'Arn'] } }),
        Permission: permission('s3.amazonaws.com'),
        Config: invokeConfig({ DestinationConfig: { OnFailure: { Destination: { Ref: 'Topic' } } }, MaximumRetryAttempts: 2 }),
      },
    };
    expect(failureHandlingProblems(template)).toEqual([
      'Mapping: the role of ConsumerLambdaFunction may not send to its on-failure queue Queue (sqs:SendMessage)',
      'ConsumerLambdaFunction: on-failure destination {"Ref":"Topic"} is not an SQS queue of the stack',
    ]);
  });

  describe('queues a function reads', () => {
    const queueMapping = (overrides: Record<string, unknown> = {}) => ({
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { EventSourceArn: { 'Fn::GetAtt': ['Source', 'Arn'] }, FunctionResponseTypes: ['ReportBatchItemFailures'], ...overrides },
    });
    const source = (redrive?: unknown) => ({ Type: 'AWS::SQS::Queue', Properties: { ...queue.Properties, ...(redrive === undefined ? {} : { RedrivePolicy: redrive }) } });

    it('accepts a queue with a dead-letter queue of the stack, read with partial failures', () => {
      const template = { Resources: { Source: source({ deadLetterTargetArn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, maxReceiveCount: 5 }), Queue: queue, Mapping: queueMapping() } };
      expect(failureHandlingProblems(template)).toEqual([]);
    });

    it('flags a queue without a dead-letter queue, and a mapping that fails whole batches', () => {
      const template = { Resources: { Source: source(), Queue: queue, Mapping: queueMapping({ FunctionResponseTypes: [] }) } };
      expect(failureHandlingProblems(template)).toEqual([
        'Mapping: the queue Source has no dead-letter queue of the stack (RedrivePolicy with maxReceiveCount)',
        'Mapping: queue mapping without ReportBatchItemFailures',
      ]);
    });
  });

  describe('IoT topic rule targets', () => {
    const rule = (functionId: string) => ({
      Type: 'AWS::IoT::TopicRule',
      Properties: { TopicRulePayload: { Sql: "SELECT * FROM 'things/+/telemetry'", Actions: [{ Lambda: { FunctionArn: { 'Fn::GetAtt': [functionId, 'Arn'] } } }] } },
    });
    // The framework's permission for a rule, and the custom authorizer's: both name iot.amazonaws.com.
    const iotPermission = (functionId: string) => ({ Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] }, Principal: 'iot.amazonaws.com' } });

    it('accepts a rule target with a chosen retry count and an on-failure queue its role may send to, and leaves the authorizer alone', () => {
      const template = {
        Resources: {
          ConsumerLambdaFunction: fn,
          ConsumerRole: role(),
          Queue: queue,
          Rule: rule('ConsumerLambdaFunction'),
          RulePermission: iotPermission('ConsumerLambdaFunction'),
          Config: invokeConfig({ ...onFailure, MaximumRetryAttempts: 2 }),
          AuthorizerLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: {} },
          AuthorizerPermission: iotPermission('AuthorizerLambdaFunction'),
        },
      };
      expect(failureHandlingProblems(template)).toEqual([]);
    });

    it('flags a rule target without an invoke config, without a destination, or without a chosen retry count', () => {
      const template = {
        Resources: {
          ConsumerLambdaFunction: fn,
          ConsumerRole: role(),
          Queue: queue,
          Rule: rule('ConsumerLambdaFunction'),
          Config: invokeConfig(onFailure),
          BareLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: {} },
          BareRule: rule('BareLambdaFunction'),
          RetryOnlyLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: {} },
          RetryOnlyRule: rule('RetryOnlyLambdaFunction'),
          RetryOnlyConfig: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'RetryOnlyLambdaFunction' }, MaximumRetryAttempts: 2 } },
        },
      };
      expect(failureHandlingProblems(template)).toEqual([
        'ConsumerLambdaFunction: asynchronous invocation without a chosen MaximumRetryAttempts',
        'BareLambdaFunction: invoked asynchronously by the IoT topic rule BareRule without an on-failure destination',
        'RetryOnlyLambdaFunction: invoked asynchronously by the IoT topic rule RetryOnlyRule without an on-failure destination',
      ]);
    });

    it('flags a rule target whose failures go elsewhere than a queue it may send to', () => {
      const template = {
        Resources: {
          ConsumerLambdaFunction: fn,
          ConsumerRole: role('OtherQueue'),
          Queue: queue,
          OtherQueue: queue,
          Rule: rule('ConsumerLambdaFunction'),
          Config: invokeConfig({ ...onFailure, MaximumRetryAttempts: 2 }),
          ArnLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: {} },
          ArnRule: rule('ArnLambdaFunction'),
          ArnConfig: {
            Type: 'AWS::Lambda::EventInvokeConfig',
            Properties: { FunctionName: { Ref: 'ArnLambdaFunction' }, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: 'arn:aws:sns:us-east-1:000000000000:elsewhere' } } },
          },
        },
      };
      expect(failureHandlingProblems(template)).toEqual([
        'ConsumerLambdaFunction: the role of ConsumerLambdaFunction may not send to its on-failure queue Queue (sqs:SendMessage)',
        'ArnLambdaFunction: on-failure destination "arn:aws:sns:us-east-1:000000000000:elsewhere" is not an SQS queue of the stack',
      ]);
    });

    it('flags the rule the framework writes for an iot event whose function declares no destinations', () => {
      // The framework's shape, as `sls package` writes it for `ingestTelemetry` (services/iot/serverless.yml).
      const template = {
        Resources: {
          IngestTelemetryLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['IngestTelemetryIamRoleLambdaExecution', 'Arn'] } } },
          IngestTelemetryIamRoleLambdaExecution: role('IngestTelemetryFailuresQueue'),
          IngestTelemetryFailuresQueue: queue,
          IngestTelemetryIotTopicRule1: rule('IngestTelemetryLambdaFunction'),
          IngestTelemetryLambdaPermissionIotTopicRule1: iotPermission('IngestTelemetryLambdaFunction'),
        },
      };
      expect(failureHandlingProblems(template)).toEqual(['IngestTelemetryLambdaFunction: invoked asynchronously by the IoT topic rule IngestTelemetryIotTopicRule1 without an on-failure destination']);
    });
  });
});

describe('zipBudgetProblems', () => {
  const fn = (name: string, bytes: number, kind: { isHttp?: boolean; isWebsocket?: boolean }) => ({ service: 'notifications', name, bytes, isHttp: false, isWebsocket: false, ...kind });

  it('holds HTTP and WebSocket functions to the budget, and leaves event consumers alone', () => {
    // Prepare
    const over = httpZipBudgetBytes + 1;
    const functions = [fn('listDevices', over, { isHttp: true }), fn('realtimeMessage', over, { isWebsocket: true }), fn('realtimeConnect', httpZipBudgetBytes, { isWebsocket: true }), fn('noteEvents', over, {})];

    // Act
    const problems = zipBudgetProblems(functions);

    // Assess
    expect(problems).toEqual([expect.stringContaining('notifications/listDevices is'), expect.stringContaining('notifications/realtimeMessage is')]);
  });
});

describe('websocketApiProblems', () => {
  /** The realtime channel as the framework and notifications' extensions make it; `change` edits a copy. */
  function realtimeTemplate(change: (template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>; Outputs?: Record<string, unknown> }) => void = () => undefined) {
    const onApi = { ApiId: { Ref: 'WebsocketsApi' } };
    const template = {
      Resources: {
        WebsocketsApi: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'dev-photonotes-notifications-websockets', ProtocolType: 'WEBSOCKET' } } as { Type: string; Properties?: Record<string, unknown> },
        SconnectWebsocketsRoute: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ...onApi, RouteKey: '$connect' } },
        SdisconnectWebsocketsRoute: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ...onApi, RouteKey: '$disconnect' } },
        SdefaultWebsocketsRoute: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ...onApi, RouteKey: '$default' } },
        WebsocketsDeploymentStage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ...onApi, StageName: 'dev', DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 } } },
        HttpRoute: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: 'other-api', RouteKey: 'GET /devices' } },
      } as Record<string, { Type: string; Properties?: Record<string, unknown> }>,
      Outputs: { ServiceEndpointWebsocket: { Value: { 'Fn::Join': ['', ['wss://', { Ref: 'WebsocketsApi' }, '.execute-api.us-east-1.amazonaws.com/dev']] } } } as Record<string, unknown>,
    };
    change(template);
    return template;
  }

  it('accepts a WebSocket API with its three routes, the endpoint output and a throttled stage', () => {
    expect(websocketApiProblems(realtimeTemplate())).toEqual([]);
  });

  it('flags a stack without a WebSocket API, or with an HTTP API only', () => {
    // Prepare
    const none = realtimeTemplate((t) => delete t.Resources.WebsocketsApi);
    const http = realtimeTemplate((t) => (t.Resources.WebsocketsApi = { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP' } }));

    // Act / Assess
    expect(websocketApiProblems(none)).toEqual([expect.stringContaining('0 WebSocket APIs')]);
    expect(websocketApiProblems(http)).toEqual([expect.stringContaining('0 WebSocket APIs')]);
  });

  it('flags a missing route, and does not count another API’s routes', () => {
    // Prepare
    const template = realtimeTemplate((t) => {
      delete t.Resources.SdisconnectWebsocketsRoute;
      t.Resources.OtherDisconnect = { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'OtherApi' }, RouteKey: '$disconnect' } };
    });

    // Act / Assess
    expect(websocketApiProblems(template)).toEqual(['WebsocketsApi: no $disconnect route']);
  });

  it('flags a missing ServiceEndpointWebsocket output', () => {
    expect(websocketApiProblems(realtimeTemplate((t) => delete t.Outputs)).join()).toContain('no ServiceEndpointWebsocket output');
  });

  it('flags a stage without throttling (the framework’s own), or with a limit that is not a positive number', () => {
    // Prepare
    const framework = realtimeTemplate((t) => delete t.Resources.WebsocketsDeploymentStage?.Properties?.DefaultRouteSettings);
    const zero = realtimeTemplate((t) => Object.assign(t.Resources.WebsocketsDeploymentStage?.Properties ?? {}, { DefaultRouteSettings: { ThrottlingRateLimit: 0, ThrottlingBurstLimit: '200' } }));
    const noStage = realtimeTemplate((t) => delete t.Resources.WebsocketsDeploymentStage);

    // Act / Assess
    expect(websocketApiProblems(framework)).toEqual([expect.stringContaining('DefaultRouteSettings.ThrottlingRateLimit'), expect.stringContaining('DefaultRouteSettings.ThrottlingBurstLimit')]);
    expect(websocketApiProblems(zero)).toEqual([expect.stringContaining('DefaultRouteSettings.ThrottlingRateLimit'), expect.stringContaining('DefaultRouteSettings.ThrottlingBurstLimit')]);
    expect(websocketApiProblems(noStage)).toEqual(['WebsocketsApi: no stage']);
  });
});
