// Native ESM Jest: NestJS 12 ships ES modules (see DESIGN.md).
const shared = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // The dashboard imports job-record on its own (the index pulls in class-validator, which the browser bundle leaves out).
    '^@tusk/contracts/jobs$': '<rootDir>/libs/contracts/src/jobs/job-record.ts',
    '^@tusk/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }] },
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/chaos/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/test/integration/**/*.spec.ts',
        '<rootDir>/test/e2e/**/*.e2e-spec.ts',
        '<rootDir>/test/faults/**/*.fault-spec.ts',
        '<rootDir>/test/chaos/**/*.chaos-spec.ts',
        '<rootDir>/test/ui/**/*.ui-spec.ts',
      ],
      globalSetup: '<rootDir>/test/harness/global-setup.mjs',
      globalTeardown: '<rootDir>/test/harness/global-teardown.mjs',
    },
  ],
  testTimeout: 120000,
};
