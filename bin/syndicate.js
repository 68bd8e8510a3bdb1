#!/usr/bin/env node
// The operator CLI. `npm ci` compiles the TypeScript sources into dist/ (the `prepare` script).
import process from 'node:process';
import { main } from '../dist/src/cli/main.js';
import { ROLE_SET } from '../dist/workers/index.js';

process.exitCode = await main(process.argv.slice(2), ROLE_SET);
