/** Fuzzing the parsers of files people edit: kentra.yaml, the webhook config, the emulator seed, kubeconfig. */
import { fuzzEach } from './cases.js';

await fuzzEach(['access-file', 'webhook-config', 'emulator-seed', 'kubeconfig']);
