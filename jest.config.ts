import type { Config } from 'jest';

const config: Config = {
    // Node's, and it tells a test's hooks whether the test failed (for the scenario tests' diagrams).
    testEnvironment: '<rootDir>/tests/support/trace_environment.cjs',
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
        '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true } }]
    },
    testMatch: ['<rootDir>/tests/**/*.test.ts'],
    reporters: ['default', '<rootDir>/tests/support/summary_reporter.cjs'],
    testTimeout: 60_000
};

export default config;
