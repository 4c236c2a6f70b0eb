// Imported first by each runtime test: Powertools quiet (no log lines unless a test raises the level, no
// metrics output), as a generated repo's test/hybrid/setup.ts sets it. Read when the runtime loads.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_SERVICE_NAME ??= 'test';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'test';
