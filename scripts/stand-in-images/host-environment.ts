import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the stand-ins take from the machine that builds them, so that no registry host is written
 * into this repository: the Debian archive this machine's apt uses, and its CA bundle (egress
 * here re-signs TLS, so npm inside an image build must trust what the host trusts).
 */
export interface AptSource {
  readonly uri: string;
  readonly suites: string[];
  readonly components: string[];
}

/** The host's apt sources (`/etc/apt/sources.list` and `sources.list.d/*.list|*.sources`). */
export function hostAptSources(root = '/etc/apt'): AptSource[] {
  const files = [join(root, 'sources.list')];
  const directory = join(root, 'sources.list.d');
  if (existsSync(directory)) {
    files.push(
      ...readdirSync(directory)
        .filter((name) => name.endsWith('.list') || name.endsWith('.sources'))
        .sort()
        .map((name) => join(directory, name)),
    );
  }
  return files
    .filter((file) => existsSync(file))
    .flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return file.endsWith('.sources') ? parseDeb822(text) : parseOneLine(text);
    });
}

function parseOneLine(text: string): AptSource[] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.startsWith('deb '))
    .map((line) => {
      const [uri, suite, ...components] = line.replace(/^deb\s+(\[[^\]]*\]\s+)?/, '').split(/\s+/);
      return { uri, suites: [suite], components };
    });
}

function parseDeb822(text: string): AptSource[] {
  return text
    .split(/\n\s*\n/)
    .map((stanza) => {
      const fields = new Map<string, string>();
      for (const line of stanza.split('\n')) {
        const field = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
        if (field) fields.set(field[1].toLowerCase(), field[2].trim());
      }
      return fields;
    })
    .filter((fields) => (fields.get('types') ?? '').split(/\s+/).includes('deb'))
    .filter((fields) => fields.get('enabled') !== 'no')
    .flatMap((fields) =>
      (fields.get('uris') ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((uri) => ({
          uri,
          suites: (fields.get('suites') ?? '').split(/\s+/).filter(Boolean),
          components: (fields.get('components') ?? '').split(/\s+/).filter(Boolean),
        })),
    );
}

/** The host's sources for one Debian release (`bookworm`, `bookworm-updates`, `bookworm-security`). */
export function debianSourcesFor(suite: string, sources = hostAptSources()): AptSource[] {
  const release = (name: string) => name === suite || name.startsWith(`${suite}-`);
  const matching = sources
    .map((source) => ({ ...source, suites: source.suites.filter(release) }))
    .filter((source) => source.suites.length > 0);
  if (!matching.some((source) => source.suites.includes(suite))) {
    throw new Error(
      `this machine's apt has no source for Debian ${suite}; the stand-in base image is built ` +
        'from the Debian archive apt uses here',
    );
  }
  return matching;
}

/** The CA bundle Node is told to trust here, or the system bundle. */
export function hostCaBundle(): string {
  const candidates = [
    process.env.NODE_EXTRA_CA_CERTS,
    process.env.SSL_CERT_FILE,
    '/etc/ssl/certs/ca-certificates.crt',
  ];
  const bundle = candidates.find((file): file is string => !!file && existsSync(file));
  if (!bundle)
    throw new Error('no CA bundle found (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, /etc/ssl/certs)');
  return bundle;
}
