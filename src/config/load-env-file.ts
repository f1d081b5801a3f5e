import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { secretVariables } from "./secret-variables.js";

/**
 * Reads `.env` in the working directory into `env`, if there is one. A variable already set in the
 * real environment wins, and so does its `_FILE` form: `NOVITA_API_KEY_FILE` in the environment
 * keeps `.env`'s `NOVITA_API_KEY` out (and the other way round), so the two never clash.
 * Returns the path read, or undefined when there is no `.env`.
 */
export function loadEnvFile(
  env: NodeJS.ProcessEnv = process.env,
  path = ".env",
): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const isSet = (name: string) => env[name] !== undefined;
  const pairs = new Map(
    secretVariables.flatMap((name) => [
      [name, `${name}_FILE`],
      [`${name}_FILE`, name],
    ]),
  );
  for (const [name, value] of Object.entries(parseEnv(text))) {
    const other = pairs.get(name);
    if (isSet(name) || (other !== undefined && isSet(other))) continue;
    env[name] = value;
  }
  return path;
}
