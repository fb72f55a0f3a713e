/**
 * npm run bench: speed and memory of the emulator running this repository's canisters.
 * Wall-clock numbers vary with the machine; run it on an idle one.
 */
import { benchEmulator } from './bench/emulator';
import { print } from './bench/measure';

print('Emulator', await benchEmulator());
