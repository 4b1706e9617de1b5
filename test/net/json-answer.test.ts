import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { readJsonAnswer, type JsonAnswer } from '../../src/net/json-answer.js';
import { hostileAcquirer, type Misbehaviour } from './hostile-acquirer.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function answerTo(behaviour: Misbehaviour, maxBytes = 1024): Promise<{ answer: JsonAnswer; destroyed: boolean }> {
  const server = await hostileAcquirer(() => behaviour);
  servers.push(server);
  let destroyed = false;
  const answer = await new Promise<JsonAnswer>((resolve, reject) => {
    const req = request(server.url, { method: 'POST' }, (res) =>
      readJsonAnswer(res, maxBytes, () => {
        destroyed = true;
        req.destroy();
      }).then(resolve),
    );
    req.on('error', (err) => (destroyed ? undefined : reject(err)));
    req.end('{}');
  });
  return { answer, destroyed };
}

describe('readJsonAnswer: an acquirer answer read to its end, bounded', () => {
  it('a whole JSON body, with its status', async () => {
    expect((await answerTo({ kind: 'json', status: 409, body: { error: 'conflict' } })).answer).toEqual({ kind: 'json', status: 409, body: { error: 'conflict' } });
  });

  it('a whole body that is not JSON', async () => {
    expect((await answerTo({ kind: 'text', status: 502, text: '<html>Bad Gateway</html>' })).answer).toEqual({ kind: 'not_json', status: 502 });
  });

  it('a body past the limit: stops reading at the limit and drops the connection (nothing held in proportion to what the server sends)', async () => {
    const { answer, destroyed } = await answerTo({ kind: 'huge', bytes: 50 * 1024 * 1024 }, 64 * 1024);
    expect(answer).toEqual({ kind: 'too_large', limit: 64 * 1024 });
    expect(destroyed).toBe(true);
  });

  it('a body cut short is lost, even when what arrived parses as JSON', async () => {
    expect((await answerTo({ kind: 'cut', text: '{"status":"ap', length: 40 })).answer.kind).toBe('broke_off');
    expect((await answerTo({ kind: 'cut', text: '12', length: 3 })).answer.kind).toBe('broke_off');
  });
});
