/** @jest-config-loader esbuild-register */
// `npm run test:resilience` (test/resilience/run.ts): fuzz, load and faults against a platform of their own, started
// with persistent emulator data (in a temp dir) so emulators and services can be killed and restarted mid-run.
// Not part of `npm test`: CI runs its short profile as a separate command (.ci/run).
import type { Config } from 'jest';
import base from './jest.config';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const integration = (base.projects ?? []).find((project) => typeof project === 'object' && project.displayName === 'integration');
if (!integration || typeof integration !== 'object') throw new Error('jest.config.ts has no integration project');

const config: Config = {
  testTimeout: 600_000,
  projects: [
    {
      displayName: 'resilience',
      transform: integration.transform,
      transformIgnorePatterns: integration.transformIgnorePatterns,
      // The client package's source, as the integration project maps it (its package.json points at a build).
      moduleNameMapper: integration.moduleNameMapper,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/resilience/**/*.test.ts'],
      // The suite's own logic on fabricated ledgers and pages: unit tests, run by `npm test`.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/resilience/unit/'],
      globalSetup: '<rootDir>/test/resilience/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/resilience/setup/global-teardown.ts',
    },
  ],
};

export default config;
