import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from '../../harness/root';
import { paths } from '@response-models/bounded-wait/build';

export { builtWasm } from '../../harness/built';

/** Path of the wasm Azle produced, before our rewrite. */
export function azleWasm(name: string): string {
    const path = join(ROOT, paths(name).azleWasm);
    if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
    return path;
}
