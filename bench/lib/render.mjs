// Turns the runner's raw results into the target verdicts and the markdown report.
import { CATEGORIES } from './impls.mjs';

const fmt = (x) => (x === undefined || x === null || Number.isNaN(x) ? '—' : x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'));
export const fmtR = (x) => (x === undefined || !Number.isFinite(x) ? '—' : `${x.toFixed(2)}×`);
export const fmtN = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const MEMORY_TARGET = { wvm: 100, iwm: 150, iws: 150 };
const OP_LABEL = { set: 'set/add', overwrite: 'overwrite / re-add' };

function opsSuite(result, cat, n, mode) {
  return result.ops.find((s) => s.cat === cat && s.n === n && s.mode === mode && !s.error);
}
/** True when an implementation's result for `op` is wrong by design (its `flags`, see impls.mjs). */
export const flagged = (r, op) => Boolean(r.flags && (r.flags['*'] || r.flags[op]));

/** The fastest peer whose result for `op` is not wrong by design. */
export function fastestPeer(suite, op) {
  let best;
  for (const [id, r] of Object.entries(suite.results)) {
    if (r.kind !== 'peer' || flagged(r, op)) continue;
    const v = r.ops[op]?.median;
    if (v !== undefined && (best === undefined || v < best.value)) best = { id, value: v };
  }
  return best;
}

/**
 * The ratios a[i] / b[i] of two implementations' samples taken in the same repetition (the same
 * phase of the child's life), or undefined when the samples do not pair up.
 */
export function perRepetitionRatios(a, b) {
  if (!a?.length || a.length !== b?.length) return undefined;
  return a.map((x, i) => x / b[i]);
}

/** The lowest and highest per-repetition ratio, or undefined: how far one run's own noise moves a ratio. */
function pairedRatios(a, b) {
  const ratios = perRepetitionRatios(a, b);
  return ratios && [Math.min(...ratios), Math.max(...ratios)];
}

export function evaluateTargets(result) {
  const targets = [];
  const ns = result.config.ns;
  // 1. Every collection operation ≤ 1.1× naive and ≤ the fastest peer, at both N (and both modes).
  for (const cat of Object.keys(CATEGORIES)) {
    for (const n of ns) {
      for (const mode of result.config.modes) {
        const suite = opsSuite(result, cat, n, mode);
        if (!suite) continue;
        const ours = suite.results['weakref-ts'];
        const naive = suite.results.naive;
        for (const op of CATEGORIES[cat].ops) {
          const base = { group: 'ops', cat, n, mode, op };
          if (!ours) {
            targets.push({ ...base, what: `${cat} ${op} ≤ 1.1× naive, ≤ fastest peer`, status: 'not measured (not on this branch yet)' });
            continue;
          }
          const v = ours.ops[op]?.median;
          const vsNaive = v / naive.ops[op]?.median;
          const peer = fastestPeer(suite, op);
          const vsPeer = peer ? v / peer.value : undefined;
          const met = vsNaive <= 1.1 && (vsPeer === undefined || vsPeer <= 1);
          const perRep = pairedRatios(ours.ops[op]?.samples, naive.ops[op]?.samples);
          targets.push({ ...base, ours: v, vsNaive, vsNaiveRange: perRep, vsPeer, peer: peer?.id, status: met ? 'met' : 'missed' });
        }
      }
    }
  }
  // 2. ref(o) ≤ 1.2× new WeakRef(o); ref(o, cb) ≤ 1.2× WeakRef + register.
  for (const suite of result.refs) {
    if (suite.error) continue;
    for (const [id, r] of Object.entries(suite.results)) {
      if (r.target === undefined) continue;
      const ratio = r.median / suite.results[r.against].median;
      targets.push({ group: 'refs', what: `${id} ≤ ${r.target}× ${r.against}`, n: suite.n, mode: suite.mode, ours: r.median, ratio, status: ratio <= r.target ? 'met' : 'missed' });
    }
    for (const id of suite.missing ?? []) targets.push({ group: 'refs', what: id, n: suite.n, mode: suite.mode, status: 'not measured (not on this branch yet)' });
  }
  // 3. Bytes per entry at 1M.
  for (const m of result.memory) {
    if (m.error || m.kind !== 'ours' && !(m.missing && m.impl === 'weakref-ts')) continue;
    const limit = MEMORY_TARGET[m.cat];
    const what = `${m.cat} bytes/entry ≤ ${limit}`;
    if (m.missing) targets.push({ group: 'memory', what, status: 'not measured (not on this branch yet)' });
    else {
      const at1M = m.n === 1_000_000;
      const status = m.bytesPerEntry <= limit ? 'met' : 'missed';
      targets.push({ group: 'memory', what, n: m.n, ours: m.bytesPerEntry, status: at1M ? status : `${status} (at N=${fmtN(m.n)}, not 1M)` });
    }
  }
  // 4. Mass collection: one await collect() empties it, no slower than naive with gc + turns.
  for (const cat of Object.keys(CATEGORIES)) {
    const ours = result.mass.find((m) => m.cat === cat && m.impl === 'weakref-ts' && m.method === 'collect');
    const naive = result.mass.find((m) => m.cat === cat && m.impl === 'naive');
    if (!ours) continue;
    const what = `${cat} mass collection: one collect(), ≤ naive`;
    if (ours.missing || ours.error) {
      targets.push({ group: 'mass', what, status: ours.error ? `error: ${ours.error}` : 'not measured (not on this branch yet)' });
      continue;
    }
    const ok = ours.sizeAfter === 0 && ours.yielded === 0 && ours.ms !== undefined && naive?.ms !== undefined && ours.ms <= naive.ms;
    targets.push({ group: 'mass', what, n: ours.n, ours: ours.ms, naive: naive?.ms, sizeAfter: ours.sizeAfter, yielded: ours.yielded, status: ok ? 'met' : 'missed' });
  }
  return targets;
}

function opsTables(result) {
  const lines = [];
  for (const [cat, { title, ops }] of Object.entries(CATEGORIES)) {
    for (const n of result.config.ns) {
      const modes = result.config.modes.filter((mode) => opsSuite(result, cat, n, mode));
      const suites = modes.map((mode) => opsSuite(result, cat, n, mode));
      const failed = result.ops.find((s) => s.error && s.args.includes(cat) && s.args.includes(n));
      if (failed) lines.push(`### ${title}, N = ${fmtN(n)}\n\nFAILED: ${failed.error}\n`);
      if (!suites.length) continue;
      const reps = [...new Set(suites.map((x) => `${x.warmup} warm-up + median of ${x.reps}`))].join(', ');
      lines.push(`### ${title}, N = ${fmtN(n)} — ns/op, ${modes.join(' / ')} (${reps})`, '');
      lines.push(`| implementation | ${ops.map((op) => OP_LABEL[op] ?? op).join(' | ')} |`);
      lines.push(`|---|${ops.map(() => '---:').join('|')}|`);
      for (const id of Object.keys(suites[0].results)) {
        const rs = suites.map((s) => s.results[id]);
        const r0 = rs[0];
        const mark = r0.flags ? ' ⚠' : '';
        const label = `${r0.kind === 'overhead' ? id : `${id} (${r0.kind}${r0.note ? `: ${r0.note}` : ''})`}${mark}`;
        const cells = ops.map((op) => (r0.skip?.includes(op) ? 'n/a' : rs.map((r) => fmt(r.ops[op]?.median)).join(' / ')));
        lines.push(`| ${label} | ${cells.join(' | ')} |`);
      }
      if (suites[0].results['weakref-ts']) {
        const ratio = (s, op, base) => s.results['weakref-ts'].ops[op]?.median / base;
        lines.push(`| **weakref-ts ÷ naive** | ${ops.map((op) => suites.map((s) => fmtR(ratio(s, op, s.results.naive.ops[op]?.median))).join(' / ')).join(' | ')} |`);
        lines.push(
          `| **weakref-ts ÷ fastest peer** | ${ops
            .map((op) =>
              suites
                .map((s) => {
                  const p = fastestPeer(s, op);
                  return p ? `${fmtR(ratio(s, op, p.value))} (${p.id})` : '—';
                })
                .join(' / '),
            )
            .join(' | ')} |`,
        );
      } else {
        lines.push(`| weakref-ts | ${ops.map(() => 'not on this branch yet').join(' | ')} |`);
      }
      const flaggedRows = Object.entries(suites[0].results).filter(([, r]) => r.flags);
      if (flaggedRows.length) {
        lines.push('', `⚠ not counted as fastest peer: ${flaggedRows.map(([id, r]) => `${id} (${Object.entries(r.flags).map(([op, why]) => `${op === '*' ? 'all operations' : op}: ${why}`).join('; ')})`).join(', ')}.`);
      }
      lines.push('');
    }
  }
  return lines;
}

function refsTable(result) {
  const suites = result.refs.filter((s) => !s.error);
  if (!suites.length) return [];
  const ids = Object.keys(suites[0].results);
  const cols = suites.map((s) => `N=${fmtN(s.n)} ${s.mode}`);
  const reps = [...new Set(suites.map((x) => `${x.warmup} warm-up + median of ${x.reps}`))].join(', ');
  const lines = [`### References — ns/op (ratio vs the native way to get the same guarantee; ${reps})`, ''];
  lines.push(`| operation | ${cols.join(' | ')} |`, `|---|${cols.map(() => '---:').join('|')}|`);
  for (const id of ids) {
    const cells = suites.map((s) => {
      const r = s.results[id];
      if (!r) return '—';
      const ratio = r.against ? ` (${fmtR(r.median / s.results[r.against].median)})` : '';
      return `${fmt(r.median)}${ratio}`;
    });
    const r0 = suites[0].results[id];
    lines.push(`| \`${id}\`${r0.against ? ` vs \`${r0.against}\`` : ''} | ${cells.join(' | ')} |`);
  }
  for (const id of suites[0].missing ?? []) lines.push(`| \`${id}\` | ${cols.map(() => 'not on this branch yet').join(' | ')} |`);
  lines.push('');
  return lines;
}

function memoryTable(result) {
  if (!result.memory.length) return [];
  const lines = [`### Retained bytes per entry at N = ${fmtN(result.config.memN)} (fresh process each, after 3 × (setImmediate + gc()))`, ''];
  lines.push('| structure | implementation | bytes/entry | target |', '|---|---|---:|---:|');
  for (const m of result.memory) {
    if (m.error) lines.push(`| ${m.args?.[1]} | ${m.args?.[3]} | FAILED: ${m.error} | |`);
    else lines.push(`| ${m.cat} | ${m.impl} (${m.kind ?? 'ours'}) | ${m.missing ? 'not on this branch yet' : m.bytesPerEntry.toFixed(1)} | ${m.impl === 'weakref-ts' ? `≤ ${MEMORY_TARGET[m.cat]}` : ''} |`);
  }
  lines.push('');
  return lines;
}

function massTable(result) {
  if (!result.mass.length) return [];
  const lines = [`### Mass collection: N = ${fmtN(result.config.massN)} entries become unreachable`, ''];
  lines.push('| structure | implementation | method | time to size 0 | rounds | size after | dead yielded after |', '|---|---|---|---:|---:|---:|---:|');
  for (const m of result.mass) {
    if (m.error) {
      lines.push(`| ${m.args?.[1]} | ${m.args?.[3]} | | FAILED: ${m.error} | | | |`);
      continue;
    }
    if (m.missing) {
      lines.push(`| ${m.cat} | ${m.impl} | ${m.method} | not on this branch yet | | | |`);
      continue;
    }
    const method = m.method === 'collect' ? 'one `await collect()`' : 'gc() + setImmediate rounds';
    const time = m.ms === undefined ? `never (stopped after ${m.rounds} rounds)` : `${Math.round(m.ms)} ms`;
    lines.push(`| ${m.cat} | ${m.impl} | ${method} | ${time} | ${m.rounds} | ${m.sizeAfter} | ${m.yielded} |`);
  }
  lines.push('');
  return lines;
}

function churnTable(result) {
  if (!result.churn.length) return [];
  const lines = [`### Ref churn: create and drop N = ${fmtN(result.config.churnN)} references to one live target`, ''];
  lines.push('| operation | ns/op (one job) | heap growth after 3 × (setImmediate + gc()) | bytes per reference |', '|---|---:|---:|---:|');
  for (const c of result.churn) {
    if (c.error) lines.push(`| ${c.args?.[1]} | FAILED: ${c.error} | | |`);
    else lines.push(`| \`${c.row}\` | ${fmt(c.nsPerOp)} | ${(c.heapGrowth / 2 ** 20).toFixed(1)} MiB | ${c.bytesPerRef.toFixed(1)} |`);
  }
  lines.push('');
  return lines;
}

function correctTables(result) {
  const lines = [];
  for (const c of result.correct) {
    if (c.error) {
      lines.push(`FAILED correctness: ${c.error}`, '');
      continue;
    }
    lines.push(`### Correctness: ${CATEGORIES[c.cat].title} (N = ${c.n}, real collections)`, '');
    lines.push(`| implementation | ${c.checks.join(' | ')} |`, `|---|${c.checks.map(() => '---').join('|')}|`);
    for (const [id, r] of Object.entries(c.results)) {
      lines.push(`| ${id} | ${c.checks.map((name) => (r.checks[name] === 'ok' ? 'ok' : `✗ ${r.checks[name]}`)).join(' | ')} |`);
    }
    lines.push('');
  }
  return lines;
}

function targetsSection(result) {
  const t = result.targets ?? [];
  if (!t.length) return [];
  const lines = ['### Targets', ''];
  const ops = t.filter((x) => x.group === 'ops');
  if (ops.length) {
    const measured = ops.filter((x) => x.status === 'met' || x.status === 'missed');
    const met = measured.filter((x) => x.status === 'met').length;
    if (!measured.length) lines.push(`- Collection operations ≤ 1.1× naive and ≤ fastest peer: not measured (our collections are not on this branch yet).`);
    else {
      lines.push(`- Collection operations ≤ 1.1× naive and ≤ fastest peer: ${met} of ${measured.length} (operation × N × mode) met.`);
      for (const x of measured.filter((y) => y.status === 'missed')) {
        const range = x.vsNaiveRange ? ` (per repetition ${x.vsNaiveRange.map((r) => r.toFixed(2)).join('–')}×)` : '';
        lines.push(`  - missed: ${x.cat} ${x.op} N=${fmtN(x.n)} ${x.mode}: ${fmt(x.ours)} ns, ${fmtR(x.vsNaive)} naive${range}, ${fmtR(x.vsPeer)} ${x.peer ?? ''}`);
      }
    }
  }
  for (const x of t.filter((y) => y.group !== 'ops')) {
    let detail = '';
    if (x.group === 'refs' && x.ratio !== undefined) detail = ` — N=${fmtN(x.n)} ${x.mode}: ${fmt(x.ours)} ns/op, ${fmtR(x.ratio)}`;
    if (x.group === 'refs' && x.ratio === undefined) detail = ` — N=${fmtN(x.n)} ${x.mode}`;
    if (x.group === 'memory' && x.ours !== undefined) detail = ` — ${x.ours.toFixed(1)} bytes/entry at N=${fmtN(x.n)}`;
    if (x.group === 'mass' && x.n !== undefined) detail = ` — ${x.ours === undefined ? 'size not 0' : `${Math.round(x.ours)} ms`} vs naive ${x.naive === undefined ? '—' : `${Math.round(x.naive)} ms`}; size after ${x.sizeAfter}, dead yielded ${x.yielded}`;
    lines.push(`- ${x.what}: **${x.status}**${detail}`);
  }
  lines.push('');
  return lines;
}

export function renderMarkdown(result) {
  const m = result.machine;
  const lines = [
    `## weakref-ts benchmark (${result.level})`,
    '',
    ...(result.parts
      ? ['- Run in parts (the machine was shared and too slow for one full run in the time box):', ...result.parts.map((p) => `  - \`${p.command}\` — ${p.date}, ${p.seconds ?? '?'} s, load average ${p.loadavgStart?.join(' ')} → ${p.loadavgEnd?.join(' ') ?? '?'}`)]
      : [`- Command: \`${result.command}\` (${result.seconds ?? '?'} s)`]),
    `- Date: ${result.date}`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; load average ${m.loadavgStart?.join(' ')} at start, ${m.loadavgEnd?.join(' ') ?? '?'} at end`,
    `- Node ${result.node} (V8 ${result.v8})`,
    `- Method: one child process per suite; implementations in rotated order; ${result.parts ? 'warm-up and repetitions as each table says' : `${result.config.warmup} warm-up + median of ${result.config.reps}${result.config.repsAt1M ? ` (at N = 1M: of ${result.config.repsAt1M})` : ''}`}; bulk = all N operations in one job, chunked = ${result.config.chunk} per job with setImmediate between (time inside the jobs only). Keys and values are held by the child.`,
    '',
    ...targetsSection(result),
    ...opsTables(result),
    ...refsTable(result),
    ...memoryTable(result),
    ...massTable(result),
    ...churnTable(result),
    ...correctTables(result),
  ];
  return `${lines.join('\n')}\n`;
}
