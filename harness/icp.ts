/**
 * The canisters `icp deploy -e <environment>` put on a network (icp-cli), for the HTTP harness:
 * icp only deploys and tells where (the network's URL, the canister ids, the identity's key).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import type { SignIdentity } from '@dfinity/agent';

import { ROOT } from './root';
import type { CanisterIds } from './http_harness';
import { identityFromPem } from './identity';

/** The icp executable: ICP if set, else the binary npm installs (@icp-sdk/icp-cli-linux-x64). */
export const ICP = process.env.ICP ?? join(ROOT, 'node_modules', '@icp-sdk', 'icp-cli-linux-x64', 'bin', 'icp');

export interface IcpOptions {
    /** The project directory (default: the repository root, where icp.yaml is). */
    cwd?: string;
    /** Extra environment, e.g. ICP_HOME. */
    env?: Record<string, string>;
}

/** Runs icp; throws with its output if it fails. */
export function icp(args: string[], options: IcpOptions = {}): string {
    const result = spawnSync(ICP, args, { cwd: options.cwd ?? ROOT, encoding: 'utf8', env: { ...process.env, DO_NOT_TRACK: '1', ...options.env } });
    if (result.error !== undefined) {
        if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`icp was not found at ${ICP}: run npm ci on Linux x64, or set ICP to an icp-cli binary`);
        throw result.error;
    }
    if (result.status !== 0) throw new Error(`icp ${args.join(' ')} failed (exit ${result.status}): ${result.stderr}`);
    return result.stdout.trim();
}

export interface IcpDeployment {
    url: string;
    deployer: SignIdentity;
    canisters: CanisterIds;
}

/** Where the environment's canisters are and the key of icp's current identity (which deployed them). */
export function icpDeployment(environment: string, options: IcpOptions = {}): IcpDeployment {
    const status = JSON.parse(icp(['network', 'status', '-e', environment, '--json'], options)) as { api_url: string };
    const id = (name: string) => icp(['canister', 'status', name, '-e', environment, '-i'], options);
    const identity = icp(['identity', 'default'], options);
    return {
        url: status.api_url,
        deployer: identityFromPem(icp(['identity', 'export', identity], options)),
        canisters: { caller: id('caller'), untrusted_callee: id('untrusted_callee'), ledger_mock: id('ledger_mock') }
    };
}
