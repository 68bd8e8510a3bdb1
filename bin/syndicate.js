#!/usr/bin/env node
// The operator CLI. `npm ci` compiles the TypeScript sources into dist/ (the `prepare` script).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
