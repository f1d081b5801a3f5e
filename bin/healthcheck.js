#!/usr/bin/env node
// The image's HEALTHCHECK: exits 0 when an HTTP server of the container's main process answers
// GET /healthz with 200, else 1.
//
// Which port to ask is found, not configured: the worker listens on HTTP_PORT, the simulator on
// its --port, the demo on free ports it picks itself. So this reads the listening TCP sockets that
// process <pid> (default 1, the container's main process) and its descendants hold open (with
// `docker run --init`, node is a child of PID 1), and asks each of them. Plain JavaScript on Node's
// built-ins only: it runs in the image as the image's user, without the app's dependencies.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const rootPid = process.argv[2] ?? "1";

/** Pids of `root` and its descendants, from the parent pid in each /proc/<pid>/stat. */
function processTree(root) {
  const parents = new Map();
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    const stat = readOrNull(`/proc/${pid}/stat`);
    // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so split after the last ")".
    if (stat !== null) parents.set(pid, stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (!tree.has(pid) && tree.has(parent)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return tree;
}

/** Inodes of the sockets the given processes hold open. */
function socketInodes(pids) {
  const inodes = new Set();
  for (const pid of pids) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]);
      } catch {}
    }
  }
  return inodes;
}

/** The loopback host that reaches a listener on each local address (as /proc/net/tcp* spell it). */
const reachableVia = {
  "00000000": "127.0.0.1", // 0.0.0.0
  "0100007F": "127.0.0.1", // 127.0.0.1
  "00000000000000000000000000000000": "127.0.0.1", // ::, which takes IPv4 too by default
  "0000000000000000FFFF00000100007F": "127.0.0.1", // ::ffff:127.0.0.1
  "00000000000000000000000001000000": "[::1]", // ::1
};

/** http://host:port of each listening TCP socket among `inodes` that loopback reaches. */
function listeningUrls(inodes) {
  const urls = new Set();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of (readOrNull(file) ?? "").split("\n").slice(1)) {
      const [, local = "", , state, , , , , , inode] = line.trim().split(/\s+/);
      const [address = "", port = ""] = local.split(":");
      const host = reachableVia[address];
      // 0A is LISTEN.
      if (state === "0A" && inodes.has(inode) && host !== undefined) {
        urls.add(`http://${host}:${Number.parseInt(port, 16)}`);
      }
    }
  }
  return [...urls];
}

function readOrNull(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

async function answersHealthz(url) {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) });
    return response.ok;
  } catch {
    return false;
  }
}

const urls = listeningUrls(socketInodes(processTree(rootPid)));
const answers = await Promise.all(urls.map(answersHealthz));
if (!answers.includes(true)) {
  process.stderr.write(`no /healthz answered 200 (listening: ${urls.join(", ") || "none"})\n`);
  process.exit(1);
}
