import { type CliResult, runCliProcess } from "./run-cli.js";

/** Runs `novita-file-sync report <args>` in a child process against the given database. */
export function runReportCli(args: string[], databaseUrl: string): Promise<CliResult> {
  return runCliProcess(["report", ...args], { DATABASE_URL: databaseUrl });
}
