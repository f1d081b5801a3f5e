/** Settings that may hold a secret: each also accepts `<NAME>_FILE`, a path to read it from. */
export const secretVariables = [
  "NOVITA_API_KEY",
  "DATABASE_URL",
  "MIGRATION_DATABASE_URL",
  "WEBHOOK_SECRET",
  "AWS_SECRET_ACCESS_KEY",
] as const;
