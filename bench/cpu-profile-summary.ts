// Where a process's CPU time went, from a V8 `.cpuprofile` (node --cpu-prof): self time by area
// (validation, logging, Nest, Fastify, hashing, GC, ...) and the heaviest single places.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The package (`@scope/name/first-folder` for Nest's packages) a script URL belongs to. */
function packageOf(url: string): string | undefined {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?:dist\/)?([^/]+)?/.exec(url);
  if (!match) return undefined;
  const [, name, folder] = match;
  return name.startsWith('@nestjs/') && folder && !folder.endsWith('.js')
    ? `${name}/${folder}`
    : name;
}

/** A short name for the place a sample landed in. */
function placeOf({ functionName, url }: ProfileNode['callFrame']): string {
  const name = functionName || '(anonymous)';
  if (url === '') return name.startsWith('(') ? name : `native ${name}`;
  const pkg = packageOf(url);
  if (pkg) return pkg;
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:');
  return `app ${name}`;
}

const AREAS: [string, RegExp][] = [
  [
    'validation (class-validator, validator, class-transformer, ValidationPipe)',
    /^(class-validator|validator|class-transformer|@nestjs\/common\/pipes)$/,
  ],
  ['logging (Nest logger, JSON lines)', /^(@nestjs\/common\/services|app .*Logger.*)$/],
  ['Nest core and common', /^@nestjs\//],
  [
    'Fastify and its router, JSON body parsing',
    /^(fastify|find-my-way|avvio|@fastify\/.*|light-my-request|secure-json-parse)$/,
  ],
  ['Express', /^(express|router|body-parser|raw-body|on-finished|finalhandler|send)$/],
  [
    'passport, passport-jwt, jsonwebtoken, jwks-rsa',
    /^(passport.*|jsonwebtoken|jws|jwa|jwks-rsa)$/,
  ],
  ['the store (PGlite, node-postgres)', /^(@electric-sql\/pglite|pg|pg-.*|pgpass|postgres-.*)$/],
  ['prom-client', /^(prom-client|tdigest|bintrees)$/],
  ['hashing (node:crypto)', /^(node:crypto\/.*|native (hash|digest|update))$/],
  ['async_hooks / AsyncLocalStorage', /^node:async_(hooks|local_storage.*)$/],
  [
    'HTTP parsing, response and socket writes (node:http, net, streams)',
    /^(node:(stream.*|streams\/.*|net|http.*|_http.*|dgram)|native (writeUtf8String|writeBuffer|writev|utf8Slice))$/,
  ],
  ['GC', /^\(garbage collector\)$/],
  ['JSON', /^native JSON|^native (parse|stringify)$/],
  ['app code (rspack bundle)', /^app /],
  ['other node internals', /^node:/],
  ['other packages', /^[^(]/],
  ['(program)', /^\(program\)$/],
];

/**
 * The profile's busy samples from `skipMicros` after the profile started (start-up and warm-up
 * left out), attributed to areas and to places, as two text tables.
 */
export function summarizeCpuProfile(file: string, skipMicros = 0): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const places = new Map<string, number>();
  let busy = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index] ?? 0;
    const node = byId.get(id);
    if (at - profile.startTime < skipMicros) return;
    if (!node || node.callFrame.functionName === '(idle)') return;
    const micros = profile.timeDeltas[index + 1] ?? profile.timeDeltas[index] ?? 0;
    const place = placeOf(node.callFrame);
    places.set(place, (places.get(place) ?? 0) + micros);
    busy += micros;
  });
  const areas = new Map<string, number>();
  for (const [place, micros] of places) {
    const area = AREAS.find(([, pattern]) => pattern.test(place))?.[0] ?? 'other';
    areas.set(area, (areas.get(area) ?? 0) + micros);
  }
  const table = (rows: Map<string, number>, limit: number) =>
    [...rows]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, micros]) => `${((100 * micros) / busy).toFixed(1).padStart(6)} %  ${name}`)
      .join('\n');
  return [
    `CPU profile ${file}: ${(busy / 1e6).toFixed(2)} s busy after the first ${(skipMicros / 1e6).toFixed(1)} s (idle excluded)`,
    'by area (self time):',
    table(areas, AREAS.length + 1),
    'heaviest places (self time):',
    table(places, 20),
  ].join('\n');
}
