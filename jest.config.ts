import type { Config } from 'jest';

const config: Config = {
    // Node's, and it tells a test's hooks whether the test failed (for the scenario tests' diagrams).
    testEnvironment: '<rootDir>/tests/support/trace_environment.cjs',
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
        '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true } }]
    },
    testMatch: ['<rootDir>/tests/**/*.test.ts', '<rootDir>/packages/*/tests/**/*.test.ts'],
    // The packages' sources import each other as the compiled files will be named (./x.js).
    resolver: '<rootDir>/tests/support/resolver.cjs',
    reporters: ['default', '<rootDir>/tests/support/summary_reporter.cjs'],
    testTimeout: 60_000
};

export default config;
