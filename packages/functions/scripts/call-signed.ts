import { callSignedMain } from '../src/call-signed.js';

// pnpm call:signed [--print] [--path /call] [--port N] KEY=VALUE ... (see src/call-signed.ts).
process.exitCode = await callSignedMain(process.argv.slice(2));
