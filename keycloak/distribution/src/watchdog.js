// Runs Keycloak (`kc.sh …`) and makes sure no JVM outlives whoever started it.
//
//   node watchdog.js <instance dir> <kc.sh> [kc.sh arguments…]
//
// The parent starts this file as the leader of a new process group, with a pipe as stdin;
// kc.sh and its JVM run in that same group. Keycloak is stopped (SIGTERM to the group, SIGKILL
// after a grace period) when the parent asks (SIGTERM, SIGINT, SIGHUP) and when the parent is
// gone (stdin reaches end of file: a killed parent closes its end of the pipe, even on SIGKILL).
// The instance directory (Keycloak's data for this start) is removed after Keycloak exits.
//
// Plain JavaScript on purpose: it starts with `node` alone in a few milliseconds, with no loader
// that could fail while a JVM is waiting to be stopped.
'use strict';
const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');

const GRACE_MS = Number(process.env.KEYCLOAK_DIST_STOP_GRACE_MS || 20000);
const [instanceDir, kcSh, ...args] = process.argv.slice(2);

const keycloak = spawn(kcSh, args, { cwd: instanceDir, stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;

function stop() {
  if (stopping) return;
  stopping = true;
  try {
    process.kill(-process.pid, 'SIGTERM');
  } catch {
    // The group is already gone.
  }
  setTimeout(() => {
    rmSync(instanceDir, { recursive: true, force: true });
    process.kill(-process.pid, 'SIGKILL');
  }, GRACE_MS).unref();
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();

keycloak.on('error', (error) => {
  process.stderr.write(`[keycloak-dist] cannot run ${kcSh}: ${error.message}\n`);
  rmSync(instanceDir, { recursive: true, force: true });
  process.exit(127);
});

keycloak.on('exit', (code, signal) => {
  rmSync(instanceDir, { recursive: true, force: true });
  process.exit(code ?? (signal ? 128 : 1));
});
