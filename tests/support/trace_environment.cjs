// Jest's Node environment, plus one fact for the test's own hooks: whether the running test has
// failed so far. Hooks cannot see a test's result; the environment receives jest-circus's events
// (handleTestEvent) and shares the test's global object. tests/support/failure_diagrams.ts reads
// the flag to draw the trace of a failed scenario test.
const { TestEnvironment } = require('jest-environment-node');

const FAILED = Symbol.for('ic-response-models.test-failed');

class TraceEnvironment extends TestEnvironment {
    handleTestEvent(event) {
        if (event.name === 'test_start') this.global[FAILED] = false;
        else if (event.name === 'test_fn_failure') this.global[FAILED] = true;
        else if (event.name === 'hook_failure' && event.hook.type === 'beforeEach') this.global[FAILED] = true;
    }
}

module.exports = TraceEnvironment;
