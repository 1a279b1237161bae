// Vitest's defaults, plus a reporter that ends every run by naming what was skipped for want of
// redis-server or PostgreSQL (issue 16, item 17), so a green run on a machine without them says so.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { reporters: ['default', './test/helpers/skip-reporter.ts'] },
});
