// Used by the Prisma CLI (`prisma generate`, and `prisma migrate deploy` where its engine can be
// installed). The application itself never reads this file.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/novita_file_sync" },
});
