// The resilience project runs the integration project's code (the workload's things use the client package through
// scripts/things): it resolves modules as that project does, or its load and fault sections cannot even start.
import base from '../../../jest.config';
import resilience from '../../../jest.resilience.config';

describe('jest.resilience.config.ts', () => {
  it("maps modules as the integration project does, and leaves the suite's unit tests to npm test", () => {
    // Prepare
    const integration = (base.projects ?? []).find((project) => typeof project === 'object' && project.displayName === 'integration');
    const [project] = resilience.projects ?? [];

    // Act
    const mapper = typeof project === 'object' ? project.moduleNameMapper : undefined;
    const ignored = typeof project === 'object' ? project.testPathIgnorePatterns : undefined;

    // Assess
    expect(typeof integration === 'object' ? integration.moduleNameMapper : undefined).toEqual({ '^@photonotes/client$': '<rootDir>/clients/typescript/src/index.ts' });
    expect(mapper).toEqual(typeof integration === 'object' ? integration.moduleNameMapper : undefined);
    expect(ignored).toContain('<rootDir>/test/resilience/unit/');
  });
});
