// Timing core shared by the Node and the Chromium harness.
//
// Each group runs its contenders interleaved: every round times one batch of each contender,
// starting from a different contender each round, so that a noisy neighbour (this machine is
// shared) hits every contender alike. A batch repeats the operation until it lasts about
// `batchMs`; the figure kept is the median over the rounds of the time per operation.

const now = () => performance.now();

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function batch(c, n) {
  if (c.async) {
    const t0 = now();
    for (let i = 0; i < n; i++) await c.fn();
    return (now() - t0) / n;
  }
  const t0 = now();
  for (let i = 0; i < n; i++) c.fn();
  return (now() - t0) / n;
}

// Warms the contender up (at least 3 calls and 20 ms, at most 3 s) and picks its batch size.
async function calibrate(c, batchMs) {
  let calls = 0;
  let last = 0;
  const t0 = now();
  while (calls < 3 || (now() - t0 < 20 && now() - t0 < 3000)) {
    last = await batch(c, 1);
    calls++;
  }
  return Math.max(1, Math.min(1e6, Math.round(batchMs / Math.max(last, 1e-4))));
}

// Runs one group. Returns { id, title, unit, bytes, results: [{ id, label, role, ms, n, samples }] }
// where `ms` is the median time per operation in milliseconds.
export async function runGroup(group, cfg, log = () => {}) {
  const cs = group.contenders;
  for (const c of cs) {
    c.n = await calibrate(c, cfg.batchMs);
    c.samples = [];
  }
  const rounds = group.samples ?? cfg.samples;
  const deadline = now() + (group.budgetMs ?? cfg.groupBudgetMs);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cs.length; k++) {
      const c = cs[(k + r) % cs.length];
      c.samples.push(await batch(c, c.n));
    }
    if (r >= 2 && now() > deadline) break;
  }
  const results = cs.map((c) => ({
    id: c.id,
    label: c.label,
    role: c.role,
    ms: median(c.samples),
    n: c.n,
    samples: c.samples.map((s) => +s.toPrecision(5)),
  }));
  log(`${group.id}: ` + results.map((x) => `${x.id}=${x.ms.toPrecision(4)}ms`).join(" "));
  return { id: group.id, title: group.title, unit: group.unit, bytes: group.bytes, results };
}
