import nextJest from 'next/jest.js';

// next/jest compiles app and tests with the same SWC setup Next uses for the app.
const createJestConfig = nextJest({ dir: './' });

export default createJestConfig({
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/$1' },
  // Real models load in each test file; the first warm-up takes a few seconds.
  testTimeout: 120_000,
  // Two cores: keep model-heavy suites from fighting over them.
  maxWorkers: 2,
});
