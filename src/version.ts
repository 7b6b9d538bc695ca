// Replaced by the build from package.json would add a JSON import to the hot
// path; a constant costs nothing. test/unit/version.test.ts keeps them equal.
export const VERSION = '0.1.0';
