import { artifactKeys, rehearsable, stubParameterValue, stubValue } from '../rehearse/template';
import { composeOrder, reexports, stackNameFor } from '../rehearse';

describe('rehearsable', () => {
  const supported = new Set(['AWS::Lambda::Function', 'AWS::DynamoDB::Table']);

  it('removes unsupported resources and stubs every reference to them', () => {
    // Prepare
    const source = {
      Resources: {
        Pool: { Type: 'AWS::Cognito::UserPool', Properties: {} },
        Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
        Fn: {
          Type: 'AWS::Lambda::Function',
          DependsOn: ['Pool', 'Table'],
          Properties: { Environment: { Variables: { POOL: { Ref: 'Pool' }, ARN: { 'Fn::GetAtt': ['Pool', 'Arn'] }, TABLE: { Ref: 'Table' } } } },
        },
      },
      Outputs: { PoolId: { Value: { Ref: 'Pool' } } },
    };

    // Act
    const { template, stripped } = rehearsable(source, supported);

    // Assess
    expect(stripped).toEqual({ Pool: 'AWS::Cognito::UserPool' });
    expect(Object.keys(template.Resources)).toEqual(['Table', 'Fn']);
    expect(template.Resources.Fn).toEqual({
      Type: 'AWS::Lambda::Function',
      DependsOn: ['Table'],
      Properties: { Environment: { Variables: { POOL: stubValue('Pool'), ARN: stubValue('Pool', 'Arn'), TABLE: { Ref: 'Table' } } } },
    });
    expect(template.Outputs).toEqual({ PoolId: { Value: stubValue('Pool') } });
    expect(source.Resources.Pool).toBeDefined();
  });

  it('replaces SSM-typed parameters with stub strings', () => {
    const source = { Parameters: { Ios: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/x/ios' }, Plain: { Type: 'String' } }, Resources: {} };

    const { template, stubbedParameters } = rehearsable(source, supported);

    expect(stubbedParameters).toEqual(['Ios']);
    expect(template.Parameters).toEqual({ Ios: { Type: 'String', Default: stubParameterValue('Ios') }, Plain: { Type: 'String' } });
  });
});

describe('artifactKeys', () => {
  it('lists the code keys of functions and layers once each', () => {
    const template = {
      Resources: {
        A: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: 'b', S3Key: 'k/a.zip' } } },
        B: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: 'b', S3Key: 'k/a.zip' } } },
        L: { Type: 'AWS::Lambda::LayerVersion', Properties: { Content: { S3Bucket: 'b', S3Key: 'k/layer.zip' } } },
      },
    };
    expect(artifactKeys(template)).toEqual(['k/a.zip', 'k/layer.zip']);
  });
});

describe('composeOrder', () => {
  it('puts every service after the ones it depends on', () => {
    const order = composeOrder({
      notifications: { path: 'n', dependsOn: ['users', 'core-api'] },
      'core-api': { path: 'c', dependsOn: 'users' },
      users: { path: 'u' },
    });
    expect(order).toEqual(['users', 'core-api', 'notifications']);
  });

  it('refuses a cycle', () => {
    expect(() => composeOrder({ a: { path: 'a', dependsOn: 'b' }, b: { path: 'b', dependsOn: 'a' } })).toThrow('dependency cycle: a → b → a');
  });
});

describe('reexports', () => {
  it('re-exports the exported outputs with their resolved values', () => {
    const template = { Resources: {}, Outputs: { ApiId: { Value: { Ref: 'Api' }, Export: { Name: 'photonotes-dev-HttpApiId' } }, Plain: { Value: 'x' } } };
    const outputs = [{ OutputKey: 'ApiId', OutputValue: 'abc123' }, { OutputKey: 'Plain', OutputValue: 'x' }];
    expect(reexports(template, outputs)).toEqual({ ApiId: { Value: 'abc123', Export: { Name: 'photonotes-dev-HttpApiId' } } });
  });
});

describe('stackNameFor', () => {
  it('names the stack for the stage asked for, as sls deploy --stage does', () => {
    // Prepare: a template packaged for prod (the saved state would still say the default stage, dev)
    const template = JSON.stringify({ Resources: { UsersLambda: { Properties: { FunctionName: 'photonotes-users-prod-me' } } } });

    // Act
    const name = stackNameFor('photonotes-users', 'prod', template);

    // Assess
    expect(name).toBe('photonotes-users-prod');
  });

  it('refuses a template packaged for another stage', () => {
    // Prepare
    const template = JSON.stringify({ Resources: { UsersLambda: { Properties: { FunctionName: 'photonotes-users-dev-me' } } } });

    // Act
    const name = () => stackNameFor('photonotes-users', 'prod', template);

    // Assess
    expect(name).toThrow("the packaged template is not stage prod's");
  });
});
