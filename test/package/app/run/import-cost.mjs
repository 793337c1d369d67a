// What importing an entry does: memory it allocates (bson allocates a 17 MiB buffer at import) and
// resources (timers, sockets) it leaves running. The entry to import is the first argument.
const entry = process.argv[2];
globalThis.gc?.();
const before = process.memoryUsage();
const resourcesBefore = process.getActiveResourcesInfo();
const imported = await import(entry);
globalThis.gc?.();
const after = process.memoryUsage();
console.log(JSON.stringify({
  entry,
  exports: Object.keys(imported).length,
  arrayBuffersBytes: after.arrayBuffers - before.arrayBuffers,
  heapBytes: after.heapUsed - before.heapUsed,
  newResources: process.getActiveResourcesInfo().slice(resourcesBefore.length),
}));
