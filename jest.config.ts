import type { Config } from 'jest';

const config: Config = {
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
        '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true } }]
    },
    testMatch: ['<rootDir>/tests/**/*.test.ts'],
    reporters: ['default', '<rootDir>/tests/support/summary_reporter.cjs'],
    testTimeout: 60_000
};

export default config;
