/** Fuzzing the parsers of logs and network input: audit lines, sign-in exports, TokenReviews, JWTs, Graph. */
import { fuzzEach } from './cases.js';

await fuzzEach(['audit-log-lines', 'sign-in-logs', 'token-review-bodies', 'jwt', 'graph-responses']);
