// Command-line options shared by the harnesses: `--name VALUE` pairs and bare flags.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const args = process.argv.slice(2);

/** The value after `name`, or `fallback`. */
export function opt(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}

/** Whether a bare flag is present. */
export const flag = (name) => args.includes(name);

/** The `--only PREFIX,PREFIX` filter, or null. */
export const only = () => (opt("--only", "") ? opt("--only").split(",") : null);
