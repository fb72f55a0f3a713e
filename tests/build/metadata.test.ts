/** The built modules carry their Candid interface as public metadata, as tools read it through read_state. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { readMetadata } from '@response-models/emulator';
import { builtWasm } from '../../harness/built';
import { ROOT } from '../../harness/root';
import { paths } from '@response-models/bounded-wait/build';

describe('the candid:service metadata of the built modules', () => {
    it.each(['caller', 'untrusted_callee', 'ledger_mock'])('%s carries its .did as "icp:public candid:service"', (name) => {
        const metadata = readMetadata(readFileSync(builtWasm(name)));
        expect(metadata.get('candid:service')?.visibility).toBe('public');
        expect(Buffer.from(metadata.get('candid:service')!.content).toString('utf8')).toBe(readFileSync(join(ROOT, paths(name).did), 'utf8'));
    });
});
