/** @jest-config-loader esbuild-register */
// Two projects: `unit` runs on fakes in milliseconds; `integration` boots the local platform once
// (emulators + every service + the gateway) in a global setup and hits it over HTTP.
import type { Config } from 'jest';

// The AWS SDK's notice that Node 22 will be needed next year says nothing about this project (README, Node 20).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const transform: Config['transform'] = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
};

// @middy/core, jose and aedes ship only as ES modules: let swc transform them too.
const transformIgnorePatterns = ['/node_modules/(?!(@middy|jose|aedes)/)'];

// The client package's source, as tsconfig `paths` has it (its package.json points at the published build in dist/).
const moduleNameMapper: Config['moduleNameMapper'] = { '^@photonotes/client$': '<rootDir>/clients/typescript/src/index.ts' };

const config: Config = {
  testTimeout: 30_000,
  projects: [
    {
      displayName: 'unit',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/shared/test/**/*.test.ts', '<rootDir>/services/*/test/unit/**/*.test.ts', '<rootDir>/scripts/test/**/*.test.ts', '<rootDir>/clients/*/test/**/*.test.ts', '<rootDir>/test/resilience/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/services/*/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};

export default config;
