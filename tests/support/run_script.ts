import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

import { ROOT } from '../../harness/root';

/** Runs one of scripts/*.ts as the npm scripts do, and returns its exit status and output. */
export function runScript(script: string, args: string[] = [], env: Record<string, string> = {}, timeoutMs = 240_000): SpawnSyncReturns<string> {
    return spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'scripts', script), ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, ...env },
        timeout: timeoutMs
    });
}
