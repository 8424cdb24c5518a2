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
// SIGUSR1 restarts Keycloak gracefully (SIGTERM to kc.sh and the JVM), SIGUSR2 restarts it the
// hard way (SIGKILL): once every process of the group but this one is gone, kc.sh runs again with
// the same arguments in the same instance directory, so its data (start-dev's H2 database under
// data/h2) is kept. Linux only (the group's processes are read from /proc).
//
// Plain JavaScript on purpose: it starts with `node` alone in a few milliseconds, with no loader
// that could fail while a JVM is waiting to be stopped.
'use strict';
const { spawn } = require('node:child_process');
const { readdirSync, readFileSync, rmSync } = require('node:fs');

const GRACE_MS = Number(process.env.KEYCLOAK_DIST_STOP_GRACE_MS || 20000);
const [instanceDir, kcSh, ...args] = process.argv.slice(2);

let stopping = false;
let restarting = false;

/** The group's other processes (kc.sh, the JVM), zombies left out. */
function keycloakProcesses() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(group) === process.pid && state !== 'Z') pids.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

function launch() {
  const keycloak = spawn(kcSh, args, { cwd: instanceDir, stdio: ['ignore', 'inherit', 'inherit'] });
  keycloak.on('error', (error) => {
    process.stderr.write(`[keycloak-dist] cannot run ${kcSh}: ${error.message}\n`);
    rmSync(instanceDir, { recursive: true, force: true });
    process.exit(127);
  });
  keycloak.on('exit', (code, signal) => {
    if (restarting && !stopping) {
      relaunchWhenGone();
      return;
    }
    rmSync(instanceDir, { recursive: true, force: true });
    process.exit(code ?? (signal ? 128 : 1));
  });
}

/** Runs kc.sh again once the JVM of the previous run has exited too (it holds the ports and H2). */
function relaunchWhenGone() {
  if (stopping) return;
  if (keycloakProcesses().length > 0) {
    setTimeout(relaunchWhenGone, 100);
    return;
  }
  restarting = false;
  process.stdout.write(`[keycloak-dist] restarting Keycloak, data kept\n`);
  launch();
}

function restart(signal) {
  if (stopping || restarting) return;
  restarting = true;
  for (const pid of keycloakProcesses()) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

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
process.on('SIGUSR1', () => restart('SIGTERM'));
process.on('SIGUSR2', () => restart('SIGKILL'));
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();

launch();
