// The library surface of kentra: what other programs may import.
export { type ErrorCode, isKentraError, KentraError } from './errors.js';
export { VERSION } from './version.js';
