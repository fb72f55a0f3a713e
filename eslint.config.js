import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    { ignores: ['node_modules/', 'build/', '.azle/', '.dfx/', '.icp/', '.bounded-wait/', 'src/declarations/', 'packages/*/dist/', 'coverage/', '.scratch/', 'test-output/'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ['**/*.cjs'],
        languageOptions: {
            sourceType: 'commonjs',
            globals: { module: 'writable', require: 'readonly', console: 'readonly', process: 'readonly' }
        },
        rules: { '@typescript-eslint/no-require-imports': 'off' }
    },
    {
        rules: {
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
            eqeqeq: ['error', 'always'],
            'no-console': 'off'
        }
    }
);
