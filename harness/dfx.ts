import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { SignIdentity } from '@dfinity/agent';

import { ROOT } from './root';
import { identityFromPem } from './identity';

export const DFX_VERSION = '0.24.1-beta.1';
export const INSTALL_HINT = `install it with: dfxvm install ${DFX_VERSION}   (the first dfx whose replica supports best-effort responses)`;

export class DfxMissingError extends Error {
    constructor(detail: string) {
        super(`dfx is needed for the local network but ${detail}; ${INSTALL_HINT}`);
        this.name = 'DfxMissingError';
    }
}

/** The dfx executable: `dfx` on the PATH unless DFX names another. */
const DFX = process.env.DFX ?? 'dfx';

/** Runs dfx in the repository root; throws with its output if it fails. */
export function dfx(args: string[], options: { quiet?: boolean } = {}): string {
    const result = spawnSync(DFX, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', options.quiet === true ? 'pipe' : 'inherit'] });
    if (result.error !== undefined) {
        if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') throw new DfxMissingError(`${DFX} was not found`);
        throw result.error;
    }
    if (result.status !== 0) throw new Error(`dfx ${args.join(' ')} failed (exit ${result.status}): ${result.stderr ?? ''}`);
    return result.stdout.trim();
}

/** Checks that dfx exists, before anything else is attempted. */
export function requireDfx(): string {
    return dfx(['--version'], { quiet: true });
}

/** The ids `dfx deploy` gave the canisters on the local network. */
export function localCanisterIds(): Record<'caller' | 'untrusted_callee' | 'ledger_mock', string> {
    const path = join(ROOT, '.dfx', 'local', 'canister_ids.json');
    if (!existsSync(path)) throw new Error(`${path} is missing: run dfx start --background && dfx deploy first`);
    const ids = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { local: string }>;
    const get = (name: string) => {
        const id = ids[name]?.local;
        if (id === undefined) throw new Error(`canister ${name} is not deployed on the local network (dfx deploy)`);
        return id;
    };
    return { caller: get('caller'), untrusted_callee: get('untrusted_callee'), ledger_mock: get('ledger_mock') };
}

export function localReplicaUrl(): string {
    return `http://127.0.0.1:${dfx(['info', 'webserver-port'], { quiet: true })}`;
}

/**
 * The identity the canisters were deployed with: the PEM file IC_IDENTITY_PEM names (what
 * `npm run test:dfx` deploys with), or dfx's current identity (`dfx identity export`).
 */
export function deployerIdentity(): SignIdentity {
    const file = process.env.IC_IDENTITY_PEM;
    if (file !== undefined) return identityFromPem(readFileSync(file, 'utf8'));
    return identityFromPem(dfx(['identity', 'export', dfx(['identity', 'whoami'], { quiet: true })], { quiet: true }));
}
