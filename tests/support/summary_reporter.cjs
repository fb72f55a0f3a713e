// Prints one plain closing line, "N passed, N failed, N skipped", after Jest's own summary.
class SummaryReporter {
    onRunComplete(_contexts, results) {
        const skipped = results.numPendingTests + results.numTodoTests;
        console.log(
            `\n${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`
        );
    }
}
module.exports = SummaryReporter;
