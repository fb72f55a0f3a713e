#!/usr/bin/env node
// The command is compiled TypeScript: dist/cli/network.js (npm run build in the package).
import '../dist/cli/network.js';
