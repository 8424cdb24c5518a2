/** One package directory found in an image's node_modules tree. */
export interface InstalledPackage {
  /** Lockfile-style path: `node_modules/@nestjs/core`, `node_modules/a/node_modules/b`. */
  path: string;
  name: string;
  /** preinstall / install / postinstall, and `binding.gyp` (npm runs node-gyp for it). */
  installScripts: string[];
}

/**
 * Run inside an app container with `node -e`: walks /app/node_modules and prints every package
 * as JSON. Plain JavaScript in a string because it runs in the image, not in Jest.
 */
export const LIST_INSTALLED_PACKAGES = `
const fs = require('fs');
const path = require('path');
const found = [];
function visit(dir, relative) {
  let manifest;
  try { manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')); } catch { return; }
  const scripts = manifest.scripts || {};
  const installScripts = ['preinstall', 'install', 'postinstall'].filter((hook) => scripts[hook]);
  if (fs.existsSync(path.join(dir, 'binding.gyp'))) installScripts.push('binding.gyp');
  found.push({ path: relative, name: manifest.name, installScripts });
  walk(path.join(dir, 'node_modules'), relative + '/node_modules/');
}
function walk(dir, relative) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const scoped of fs.readdirSync(path.join(dir, entry))) {
        visit(path.join(dir, entry, scoped), relative + entry + '/' + scoped);
      }
    } else {
      visit(path.join(dir, entry), relative + entry);
    }
  }
}
walk('/app/node_modules', 'node_modules/');
process.stdout.write(JSON.stringify(found));
`;
