import { join } from 'node:path';

/** This project's root directory (where dfx.json and package.json are). */
export const ROOT = join(import.meta.dirname, '..');
