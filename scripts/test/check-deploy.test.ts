import { dataProtectionProblems, iamProblems, localOnlyRoutes, sharedRoles } from '../check-deploy';

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
});
