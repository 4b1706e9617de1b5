import { Type, type Static } from '@sinclair/typebox';
import { EXPECTED, section } from '../schema-kit.js';

/** host:port, with an IPv6 host in brackets; the port 1..65535. */
const PORT = '(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
const LISTEN = `^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):${PORT}$`;

export const DEFAULT_API_LISTEN = '127.0.0.1:8737';

export const ApiSection = section(
  {
    listen: Type.Optional(
      Type.String({
        pattern: LISTEN,
        default: DEFAULT_API_LISTEN,
        description:
          'Address and port of the local API (the register, the counter screen, the technician). Loopback by default; listening on a LAN address needs tls.',
        [EXPECTED]: 'host:port, such as "127.0.0.1:8737" or "[::1]:8737"',
      }),
    ),
    tls: Type.Optional(
      section(
        {
          cert: Type.String({ minLength: 1, description: "The API's certificate chain (PEM file); a relative path is taken from the configuration file's folder.", [EXPECTED]: 'a file path' }),
          key: Type.String({ minLength: 1, description: "The certificate's private key (PEM file, readable by the posd user only); relative as cert.", [EXPECTED]: 'a file path' }),
        },
        { description: 'Serve the API over HTTPS with this certificate. Without it the API speaks plain HTTP.' },
      ),
    ),
  },
  { description: 'The local API (not served yet: validated so that a configuration written now keeps working).', default: {} },
);

/** The api section once its defaults are filled in. */
export type ApiSettings = Static<typeof ApiSection> & { listen: string };
