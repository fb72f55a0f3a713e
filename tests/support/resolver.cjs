/**
 * Jest's resolver, plus one rule: a relative import of `./x.js` inside a package's TypeScript
 * sources or tests (written for Node's ESM resolution of the compiled files) finds `./x.ts`.
 * Files that really are JavaScript (the generated bindings) resolve as they are.
 */
module.exports = (request, options) => {
    try {
        return options.defaultResolver(request, options);
    } catch (e) {
        if (request.startsWith('.') && request.endsWith('.js')) return options.defaultResolver(request.slice(0, -3) + '.ts', options);
        throw e;
    }
};
