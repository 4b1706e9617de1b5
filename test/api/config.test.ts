import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseApiSettings } from '../../src/app/config/api.js';
import { tempDir } from '../support/tmp.js';
import { startApi } from './support.js';

describe('api settings', () => {
  it('loopback plain HTTP by default; a LAN address only with TLS; paths from the config folder; mistakes name the field', () => {
    expect(parseApiSettings(undefined, '/etc/posd')).toEqual({ host: '127.0.0.1', port: 8737 });
    expect(parseApiSettings({ listen: '[::1]:9000' }, '/etc/posd')).toEqual({ host: '::1', port: 9000 });
    expect(parseApiSettings({ listen: '0.0.0.0:8443', tls: { cert: 'c.pem', key: '/k.pem' } }, '/etc/posd')).toEqual({ host: '0.0.0.0', port: 8443, tls: { cert: '/etc/posd/c.pem', key: '/k.pem' } });
    const refused = (value: unknown): string => {
      try {
        parseApiSettings(value, '/etc/posd');
      } catch (err) {
        expect((err as { code?: string }).code).toBe('bad_config');
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(refused({ listen: '192.168.1.10:8737' })).toContain('api.listen');
    expect(refused({ listen: '192.168.1.10:8737' })).toContain('TLS');
    expect(refused({ listen: '127.0.0.1:0' })).toContain('api.listen');
    expect(refused({ listen: '127.0.0.1' })).toContain('api.listen');
    expect(refused({ port: 1 })).toContain('api');
    expect(refused({ tls: { cert: 'c.pem' } })).toContain('api.tls');
  });

  it('serves HTTPS with the configured certificate', async () => {
    const dir = tempDir();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const rig = await startApi({ api: { tls: { cert, key: readFileSync(join(dir, 'key.pem')) } } });
    expect(rig.url).toMatch(/^https:/);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${rig.url}/v1/health`, { ca: cert }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toEqual({ ok: true, terminal: rig.terminal.id });
  });
});
