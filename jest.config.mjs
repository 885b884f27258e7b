/**
 * Two projects: unit specs beside the code (`src/**\/*.spec.ts`) and end-to-end specs over HTTP
 * (`test/**\/*.e2e-spec.ts`). Both run TypeScript as ES modules through ts-jest.
 */
const transform = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      useESM: true,
      tsconfig: 'tsconfig.json',
      diagnostics: false,
    },
  ],
};
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform,
  testEnvironment: 'node',
};

export default {
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
    },
  ],
  testTimeout: 60_000,
};
