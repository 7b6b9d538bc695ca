/** Fuzzing the reader of the certificate files a service principal signs in with: PKCS #12 (.pfx/.p12). */
import { fuzzEach } from './cases.js';

await fuzzEach(['pkcs12']);
