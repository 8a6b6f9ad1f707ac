import { iamProblems, localOnlyRoutes } from '../check-deploy';

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
