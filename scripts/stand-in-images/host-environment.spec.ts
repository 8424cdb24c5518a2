import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianSourcesFor, hostAptSources } from './host-environment.js';

function aptRoot(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'apt-'));
  mkdirSync(join(root, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

describe("the host's apt sources", () => {
  const root = aptRoot({
    'sources.list':
      '# deb http://old.example/debian bullseye main\ndeb [arch=amd64] http://one.example/debian bookworm main contrib\n',
    'sources.list.d/debian.sources': [
      'Types: deb',
      'URIs: http://two.example/debian',
      'Suites: bookworm bookworm-updates',
      'Components: main',
      '',
      'Types: deb-src',
      'URIs: http://two.example/debian',
      'Suites: bookworm',
      'Components: main',
      '',
      'Types: deb',
      'URIs: http://two.example/debian-security',
      'Suites: bookworm-security',
      'Components: main',
      'Enabled: no',
    ].join('\n'),
    'sources.list.d/other.list.disabled': 'deb http://three.example/ stable main\n',
    'sources.list.d/vendor.list': 'deb http://vendor.example/apt stable main\n',
  });

  it('reads one-line and deb822 files, binary sources only, enabled only', () => {
    expect(hostAptSources(root)).toEqual([
      { uri: 'http://one.example/debian', suites: ['bookworm'], components: ['main', 'contrib'] },
      {
        uri: 'http://two.example/debian',
        suites: ['bookworm', 'bookworm-updates'],
        components: ['main'],
      },
      { uri: 'http://vendor.example/apt', suites: ['stable'], components: ['main'] },
    ]);
  });

  it('keeps the sources of one Debian release, and fails without one', () => {
    const sources = hostAptSources(root);
    expect(debianSourcesFor('bookworm', sources).map((s) => s.uri)).toEqual([
      'http://one.example/debian',
      'http://two.example/debian',
    ]);
    expect(() => debianSourcesFor('trixie', sources)).toThrow('no source for Debian trixie');
  });
});
