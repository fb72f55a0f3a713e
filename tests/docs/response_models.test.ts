/** The README's picture of the two response models is what the code draws today. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { drawResponseModels, RESPONSE_MODELS_SVG } from '../../scripts/docs/response_models';
import { ROOT } from '../../harness/root';

describe('docs/response-models.svg', () => {
    it('is, byte for byte, what npm run docs:diagram draws from a run of the demo', async () => {
        const drawn = await drawResponseModels();
        const committed = readFileSync(RESPONSE_MODELS_SVG, 'utf8');
        if (drawn !== committed) {
            let at = 0;
            while (at < drawn.length && drawn[at] === committed[at]) at++;
            throw new Error(
                `docs/response-models.svg differs from what the code draws, from character ${at} on ` +
                    `(committed: ${JSON.stringify(committed.slice(at, at + 60))}, drawn: ${JSON.stringify(drawn.slice(at, at + 60))}); ` +
                    'run npm run docs:diagram and commit the picture'
            );
        }
    }, 120_000);

    it('is the picture the README shows', () => {
        expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('](docs/response-models.svg)');
    });
});
