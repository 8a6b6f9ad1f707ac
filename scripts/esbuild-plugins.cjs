// esbuild plugins for every Lambda bundle (serverless-esbuild `plugins`): swaps the AWS SDK's
// default credential chain for the environment-only provider that Lambda actually uses, and marks the
// DynamoDB document client side-effect free, as the rest of the SDK marks itself.
const path = require('node:path');

const envCredentials = path.join(__dirname, '..', 'shared', 'src', 'runtime', 'env-credentials.ts');

/** @type {import('esbuild').Plugin} */
const lambdaCredentials = {
  name: 'lambda-env-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: envCredentials }));
  },
};

// @aws-sdk/lib-dynamodb is the one SDK package without `"sideEffects": false` in its package.json, so
// esbuild keeps all of it wherever it is imported, used or not. A service's adapters/dependencies.ts
// imports every adapter of the service and relies on esbuild dropping the ones a function does not use
// (README, "Wiring a service"): without this, a function that reads no table would carry the document client.
const pureDocumentClient = {
  name: 'pure-document-client',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/lib-dynamodb$/ }, async (args) => {
      if (args.pluginData === pureDocumentClient.name) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: pureDocumentClient.name });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.path, sideEffects: false };
    });
  },
};

module.exports = [lambdaCredentials, pureDocumentClient];
