import { readFileSync } from "node:fs";

/**
 * This process's peak resident memory in MB. On Linux, the kernel's high-water mark of the
 * process image (VmHWM in /proc/self/status), because getrusage's maxRSS (process.resourceUsage)
 * is kept across exec: a measuring child spawned by a parent holding a million-file simulator
 * started with a maxRSS of up to 267 MB before running a line of its own (its VmHWM was 88 MB).
 * Elsewhere, maxRSS.
 */
export function peakRssMb(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}
