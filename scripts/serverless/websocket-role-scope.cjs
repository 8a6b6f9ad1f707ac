// A serverless plugin for services with `websocket` events: the framework grants the provider's shared role
// `execute-api:ManageConnections` on every WebSocket API of every account (`execute-api:*:*:*/@connections/*`).
// Here every function has a role of its own (serverless-iam-roles-per-function) naming its own API's ARN, so that
// grant is taken out again; check:deploy refuses a ManageConnections grant beyond the stack's own API.
const frameworkGrant = 'arn:${AWS::Partition}:execute-api:*:*:*/@connections/*';

function isFrameworkGrant(statement) {
  const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
  return resources.some((resource) => resource && resource['Fn::Sub'] === frameworkGrant);
}

class WebsocketRoleScope {
  constructor(serverless) {
    this.hooks = {
      'after:package:compileEvents': () => {
        const resources = serverless.service.provider.compiledCloudFormationTemplate.Resources;
        for (const resource of Object.values(resources)) {
          if (resource.Type !== 'AWS::IAM::Role') continue;
          for (const policy of resource.Properties?.Policies ?? []) {
            const document = policy.PolicyDocument;
            if (Array.isArray(document?.Statement)) document.Statement = document.Statement.filter((statement) => !isFrameworkGrant(statement));
          }
        }
      },
    };
  }
}

module.exports = WebsocketRoleScope;
