// The cache hit of `kentra get-token`, built by scripts/build.mjs as one
// self-contained file (no shared chunks): kubectl runs it before every command,
// and every extra module file costs start-up time (bench/get-token.ts).
export { answerFromCache } from '../cli/get-token.js';
