import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from './root';
import { paths } from '@response-models/bounded-wait/build';

/** Path of a canister's final (rewritten) wasm; fails clearly if `npm run build` has not run. */
export function builtWasm(name: string): string {
    const path = join(ROOT, paths(name).wasm);
    if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
    return path;
}
