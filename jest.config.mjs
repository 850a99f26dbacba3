import nextJest from 'next/jest.js';

// next/jest compiles app and tests with the same SWC setup Next uses for the app.
const createJestConfig = nextJest({ dir: './' });

/** @type {import('jest').Config} */
const config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/$1' },
  // Real models load in each test file; the first warm-up takes a few seconds.
  testTimeout: 120_000,
};

export default createJestConfig(config);
