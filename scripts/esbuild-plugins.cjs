// esbuild plugins for every Lambda bundle (serverless-esbuild `plugins`): swaps the AWS SDK's
// default credential chain for the environment-only provider that Lambda actually uses.
const path = require('node:path');

const envCredentials = path.join(__dirname, '..', 'shared', 'src', 'runtime', 'env-credentials.ts');

/** @type {import('esbuild').Plugin} */
const lambdaCredentials = {
  name: 'lambda-env-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: envCredentials }));
  },
};

module.exports = [lambdaCredentials];
