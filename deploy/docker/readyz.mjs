// The container healthcheck: exit 0 when the service's admin listener answers /readyz with 2xx.
// The port is the first argument, else the one in ADMIN_HTTP_ADDRESS (the image sets it per service).
const port = process.argv[2] ?? (process.env.ADMIN_HTTP_ADDRESS ?? '').split(':').pop();
if (!port) {
  console.error('readyz: no port (argument or ADMIN_HTTP_ADDRESS)');
  process.exit(2);
}
try {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_500) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
