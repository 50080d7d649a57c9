#!/usr/bin/env node
// The `cortex` command. The CLI is written in TypeScript, so this shim registers
// the tsx loader before importing it; no build step is needed.
import { register } from "tsx/esm/api";

register();
await import("./main.ts");
