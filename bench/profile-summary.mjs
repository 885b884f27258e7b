// Summarizes a V8 CPU profile (`node --cpu-prof`) by where the time was spent: each package
// under node_modules, the service's own code and Node's internals, each with the V8 builtins and
// native code it called.
//
//   node bench/profile-summary.mjs bench/results/profiles/<file>.cpuprofile
import { readFile } from 'node:fs/promises';

function bucketOf(url) {
  if (!url) return '(v8 builtins, gc, native)';
  if (url.startsWith('node:internal/')) {
    return `node:internal/${url.slice('node:internal/'.length).split('/')[0].replace(/\.js$/, '')}`;
  }
  if (url.startsWith('node:')) return url;
  const packaged = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packaged) return packaged[1];
  if (url.includes('/dist/src/')) return 'service (dist/src)';

  return url;
}

/**
 * Time per bucket, with V8 builtins and native code charged to the nearest JavaScript caller
 * that has a source file: a socket write counts for the package that wrote. Garbage collection,
 * idle time and time outside any JavaScript keep buckets of their own.
 */
export async function summarizeProfile(file, top = 15) {
  const profile = JSON.parse(await readFile(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parents.set(child, node.id);
  }
  const intervals = profile.timeDeltas;
  const selfMicros = new Map();
  for (let i = 0; i < profile.samples.length; i += 1) {
    const id = profile.samples[i];
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (intervals[i] ?? 0));
  }
  const bucketOfSample = (id) => {
    if (nodes.get(id).callFrame.functionName === '(garbage collector)') return '(gc)';
    for (let current = id; current !== undefined; current = parents.get(current)) {
      const { url } = nodes.get(current).callFrame;
      if (url) return bucketOf(url);
    }

    return '(v8 builtins, gc, native)';
  };
  const buckets = new Map();
  let idle = 0;
  let busy = 0;
  for (const [id, micros] of selfMicros) {
    if (nodes.get(id).callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    busy += micros;
    const bucket = bucketOfSample(id);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + micros);
  }
  const rows = [...buckets]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([bucket, micros]) => ({ bucket, share_of_busy: Number((micros / busy).toFixed(3)) }));

  return { busy_share: Number((busy / (busy + idle)).toFixed(3)), rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const summary = await summarizeProfile(process.argv[2]);
  console.log(`busy ${(summary.busy_share * 100).toFixed(1)}% of the profiled time`);
  for (const row of summary.rows) {
    console.log(`${(row.share_of_busy * 100).toFixed(1).padStart(5)}%  ${row.bucket}`);
  }
}
