import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FetchLike, GraphClient } from '../../../src/adapters/graph/client.js';
import { GraphUnavailable, graphReaderFrom } from '../../../src/webhook/graph-reader.js';

function fakeFetch(answers: Array<{ status: number; body?: unknown }>, seen: string[]): FetchLike {
  return async (url) => {
    seen.push(url);
    const answer = answers.shift() ?? { status: 500 };
    return {
      status: answer.status,
      headers: { get: () => null },
      text: async () => (answer.body === undefined ? '' : JSON.stringify(answer.body)),
    };
  };
}

describe('graphReaderFrom', () => {
  it('follows absolute delta links below the base and refuses links elsewhere', async () => {
    const seen: string[] = [];
    const client = new GraphClient({
      baseUrl: 'https://graph.test',
      fetch: fakeFetch([{ status: 200, body: { value: [] } }], seen),
    });
    const reader = graphReaderFrom(client, 'https://graph.test/v1.0');
    await reader.get('https://graph.test/v1.0/users/delta?$deltatoken=abc');
    assert.deepEqual(seen, ['https://graph.test/v1.0/users/delta?$deltatoken=abc']);
    await assert.rejects(reader.get('https://evil.test/v1.0/users/delta'), /outside https:\/\/graph\.test/);
  });

  it('turns throttling that outlasts the client retries into GraphUnavailable', async () => {
    const seen: string[] = [];
    const client = new GraphClient({
      baseUrl: 'https://graph.test',
      fetch: fakeFetch([{ status: 429 }, { status: 503 }], seen),
      maxRetries: 1,
      sleep: async () => {},
    });
    const reader = graphReaderFrom(client, 'https://graph.test/v1.0');
    const error = await reader.get('/groups/delta').catch((e: unknown) => e);
    assert.ok(error instanceof GraphUnavailable);
    assert.equal(error.status, 503);
    assert.equal(seen.length, 2, 'the client retried once');
  });
});
