/**
 * Errors the demo reports as environment errors (exit code 2), kept apart from the harnesses so
 * that it can name them before anything is built: the harnesses import the generated bindings.
 */

/** The network at a URL does not answer /api/v2/status: nothing was deployed or called. */
export class NetworkUnreachableError extends Error {
    constructor(url: string, cause: unknown) {
        super(`no IC network answers at ${url} (${(cause as Error).message}); start one (npm run network) or check the URL`);
        this.name = 'NetworkUnreachableError';
    }
}
