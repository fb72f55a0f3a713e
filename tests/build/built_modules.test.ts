/**
 * What the build produces: final modules that fit the dfx 0.24.1-beta.1 replica's System API
 * (packages/system-api/src/system_api.ts, with its sources), Candid and bindings; and build errors that name the
 * canister and the step.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DFX_0_24_1_BETA_1, importsOutside } from '@response-models/system-api';
import { buildCanister } from '@response-models/bounded-wait/build';
import { annotateCandid, readCanisterDocs } from '@response-models/bounded-wait/build';
import { ROOT } from '../../harness/root';
import { paths, readCanisters } from '@response-models/bounded-wait/build';
import { BuildError } from '@response-models/bounded-wait/build';
import { REWRITE_SECTION } from '@response-models/bounded-wait/build';
import { azleWasm, builtWasm } from '../support/built';

const canisters = readCanisters(ROOT).map((c) => c.name);

function importsOf(path: string): WebAssembly.ModuleImportDescriptor[] {
    return WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(path)));
}

describe.each(canisters)('%s', (name) => {
    it('imports nothing outside the dfx 0.24.1-beta.1 System API', () => {
        expect(importsOutside(importsOf(builtWasm(name)), DFX_0_24_1_BETA_1)).toEqual([]);
    });

    it('needed the rewrite for that: Azle’s own module imports what that replica lacks', () => {
        expect(importsOutside(importsOf(azleWasm(name)), DFX_0_24_1_BETA_1).sort()).toEqual([
            'ic0.canister_liquid_cycle_balance128',
            'ic0.cost_call'
        ]);
    });

    it('imports msg_deadline and carries the rewrite marker', () => {
        const module = new WebAssembly.Module(readFileSync(builtWasm(name)));
        expect(WebAssembly.Module.imports(module).map((i) => i.name)).toContain('msg_deadline');
        expect(WebAssembly.Module.customSections(module, REWRITE_SECTION)).toHaveLength(1);
    });

    it('has its Candid interface and dfx-layout bindings', () => {
        const p = paths(name);
        expect(readFileSync(join(ROOT, p.did), 'utf8')).toMatch(/^service/m);
        for (const file of [`${name}.did`, `${name}.did.js`, `${name}.did.d.ts`, 'index.js', 'index.d.ts']) {
            expect(existsSync(join(ROOT, p.declarations, file))).toBe(true);
        }
        expect(readFileSync(join(ROOT, p.declarations, `${name}.did.js`), 'utf8')).toContain('export const idlFactory');
    });

    it('states in its Candid interface, above every method, who may call it', () => {
        const lines = readFileSync(join(ROOT, paths(name).did), 'utf8').split('\n');
        const unstated: string[] = [];
        let comment = '';
        for (const line of lines) {
            if (line.trim().startsWith('//')) comment += line;
            else {
                const method = /^\s+(\w+)\s*:\s*\(/.exec(line)?.[1];
                if (method !== undefined && !/Who: /.test(comment)) unstated.push(method);
                comment = '';
            }
        }
        expect(unstated).toEqual([]);
        expect(lines[lines.findIndex((l) => l.startsWith('service')) - 1]).toMatch(/^\/\/ /); // the service's own comment
    });
});

describe('Candid comments', () => {
    const did = 'service: () -> {\n    a: () -> (nat);\n    b: (text) -> () query;\n}';
    const source = `
        /** The service. */
        export default class {
            /** Does a. Who: anyone. */
            @update([], IDL.Nat)
            a(): bigint { return 1n; }
            @query([IDL.Text], IDL.Null)
            b(): null { return null; }
            /** Not a canister method. */
            private c(): void {}
        }`;

    it('go above the service and above each method that has a doc comment, with its indentation', () => {
        expect(annotateCandid(did, readCanisterDocs('x.ts', source))).toBe(
            '// The service.\nservice: () -> {\n    // Does a. Who: anyone.\n    a: () -> (nat);\n    b: (text) -> () query;\n}'
        );
    });

    it('wrap at 100 characters and keep paragraphs', () => {
        const long = `/** ${'word '.repeat(40)}\n *\n * Second. */`;
        const annotated = annotateCandid('service: () -> {\n}', readCanisterDocs('x.ts', `${long}\nexport default class {}`));
        const comments = annotated.split('\n').filter((l) => l.startsWith('//'));
        expect(comments.every((l) => l.length <= 100)).toBe(true);
        expect(comments).toContain('//');
        expect(comments.at(-1)).toBe('// Second.');
    });
});

describe('build errors', () => {
    it('name the canister and the step', async () => {
        const failure = buildCanister(ROOT, { name: 'not_in_dfx_json', main: 'src/missing.ts' }, true);
        await expect(failure).rejects.toBeInstanceOf(BuildError);
        await expect(failure).rejects.toMatchObject({ canister: 'not_in_dfx_json', step: 'azle build' });
        await expect(failure).rejects.toThrow(/^not_in_dfx_json: azle build failed/);
    });
});
