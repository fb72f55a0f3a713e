/**
 * npm run docs:diagram
 *
 * Redraws docs/response-models.svg, the README's picture of the two response models, from a run
 * of the demo's scenarios on the embedded emulator. tests/docs/response_models.test.ts fails
 * when the committed picture no longer matches what the code draws.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

import { ROOT } from '../harness/root';
import { drawResponseModels, RESPONSE_MODELS_SVG } from './docs/response_models';

const args = process.argv.slice(2);
if (args.includes('--help')) {
    console.log('npm run docs:diagram: redraws docs/response-models.svg from a run of the demo on the embedded emulator');
    process.exit(0);
}
if (args.length > 0) {
    console.error(`unknown argument ${args[0]}: npm run docs:diagram takes none (see --help)`);
    process.exit(2);
}

const svg = await drawResponseModels();
writeFileSync(RESPONSE_MODELS_SVG, svg);
console.log(`${relative(ROOT, RESPONSE_MODELS_SVG)}: ${svg.length} bytes`);
