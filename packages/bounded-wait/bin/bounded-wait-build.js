#!/usr/bin/env node
// The command is compiled TypeScript: dist/build/cli.js (npm run build in the package).
import '../dist/build/cli.js';
